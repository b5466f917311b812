"""`make serve`'s web page: type sentences and see the greedy RAE's trees, read every task's
reports, browse the test sentences a model got wrong. app.py serves it (FastAPI), tree_svg.py
draws the trees, report_shelf.py reads reports/, static/ holds the page."""
