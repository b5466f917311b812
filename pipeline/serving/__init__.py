"""A trained model serving raw text: the model and what reads text for it (trained.py, and
text_parser.py for the families that follow trees), model folders others can load
(model_folder.py, folder_config.py, model_card.py), the Python API (api.py) and the page
(web/). predict, export and serve are the stages that use them."""
