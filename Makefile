# RAE sentence classification. `make help` lists the targets; variables below can be set on
# the command line, e.g. `make eval PROTOCOL=cv10 SEED=1`.

CONFIG   ?= configs/default.toml## TOML settings; unknown keys or bad values stop the run
DATASET  ?= mr## mr, subj, cr, mpqa, sst2, sst5, or a .csv/.tsv/.jsonl file or folder
PROTOCOL ?= split## split (80/10/10) or cv10 (stratified 10-fold CV; not on SST)
TEXT_COLUMN  ?= text## a file DATASET's text column
LABEL_COLUMN ?= label## a file DATASET's label column
VECTORS  ?=## word2vec/GloVe text vectors (.gz too) instead of skip-gram; their size sets dim
CORPUS   ?=## pretraining text instead of movie_reviews: a file, a .gz or a folder of them
MODEL    ?=## families below ("linear greedy"), or all (empty: all on SST, else linear)
SEED     ?= 0## seeds folds, initialisation and data order
DEVICE   ?= auto## auto, cpu or cuda
NPROC    ?= 1## pretraining processes (torchrun, DDP; one thread each when more than 1)
SEEDS    ?= 0 1 2## the seeds `make sweep` runs
JOBS     ?= 1## folds classify trains at once, or seeds `make sweep` runs (cores/JOBS threads each)
BUILD    ?= build## where artifacts go (git-ignored)
REPORTS  ?= reports## where reports go (git-ignored)
EXPORTS  ?= exports## where `make export` writes model folders (git-ignored)
CHECKPOINT ?= 60## seconds between checkpoints of pretrain and classify (0: every step)
TEXT     ?=## sentence for `make predict` (empty: read stdin)
PORT     ?= 8000## `make serve`'s port (it listens on 127.0.0.1 only)
PYTHON   ?= python3## interpreter that creates the virtual environment
VENV     ?= .venv

PY    ?= $(VENV)/bin/python
SETUP ?= $(VENV)/.installed
# The RAE families (pipeline/families/) and the data sets MODEL=all runs each on, one line a
# family; tests/pipeline/test_families.py checks that these lines and the registry agree.
FAMILY.linear        := mr subj cr mpqa sst2 sst5 user
FAMILY.greedy        := mr subj cr mpqa sst2 sst5 user
FAMILY.greedy-random := mr
FAMILY.tree          := sst2 sst5
FAMILY.rntn          := sst2 sst5
FAMILY.treelstm      := sst2 sst5
# the families that follow parse trees: exporting one takes the parser along
TREE_FAMILIES        := tree rntn treelstm

FAMILY_NAMES := $(sort $(patsubst FAMILY.%,%,$(filter FAMILY.%,$(.VARIABLES))))

# Every variable a user sets is checked before make pastes it into a target or a command
# (pipeline/infra/make_variables.py): a value make or the shell would read as syntax (a quote,
# `;`, `$(...)`, a newline) stops here, in one line naming the variable. $(value ...) and
# `quoted` hand the text over as typed, never expanded by make or the shell.
quoted = '$(subst ','\'',$(value $(1)))'
CHECKED := CONFIG BUILD REPORTS EXPORTS SEED SEEDS NPROC JOBS PORT CHECKPOINT MODEL DEVICE PROTOCOL
VARIABLE_PROBLEM := $(shell $(PYTHON) -m pipeline.infra.make_variables $(FAMILY_NAMES) -- \
                      $(foreach v,$(CHECKED),$(v)=$(call quoted,$(v))))
$(if $(VARIABLE_PROBLEM),$(error $(VARIABLE_PROBLEM)))

# The free text (DATASET, VECTORS, CORPUS, the columns, TEXT) reaches the stages through the
# environment and the call below single-quoted, so it may hold spaces, quotes or $. Make
# exports a variable set on its command line, expanding it as it goes, so each becomes here
# a simple variable holding the text as typed ($(shell ...) in it stays text).
FREE_TEXT := DATASET VECTORS CORPUS TEXT_COLUMN LABEL_COLUMN
$(foreach v,$(FREE_TEXT),$(eval override $(v) := $$(value $(v))))

# The layout of pipeline/infra/paths.py, which names the run folders from the config's
# content and the VECTORS and CORPUS files' (so two configs never share one), the prepared
# CORPUS, and a user's data set from its path and content; it needs only the standard library.
export RAE_DATASET = $(value DATASET)
export RAE_VECTORS = $(value VECTORS)
export RAE_CORPUS = $(value CORPUS)
export RAE_TEXT_COLUMN = $(value TEXT_COLUMN)
export RAE_LABEL_COLUMN = $(value LABEL_COLUMN)
FOLDERS  := $(shell $(PYTHON) -m pipeline.infra.paths '$(CONFIG)' '$(SEED)' \
              $(call quoted,DATASET) $(call quoted,TEXT_COLUMN) $(call quoted,LABEL_COLUMN) \
              $(call quoted,VECTORS) $(call quoted,CORPUS) '$(NPROC)')
RUN_NAME := $(word 1,$(FOLDERS))
RUN      := $(BUILD)/$(RUN_NAME)
PRETRAIN := $(BUILD)/$(word 2,$(FOLDERS))/pretrain.pt
PARSER   := $(RUN)/parser.pt
UNLABELED := $(BUILD)/data/$(word 3,$(FOLDERS)).json
# the data set's name in artifacts and reports, and its kind: the built-in name, or user
DATANAME := $(word 4,$(FOLDERS))
KIND     := $(word 5,$(FOLDERS))
TASK     := $(DATANAME)-$(PROTOCOL)
LABELED  := $(BUILD)/data/$(word 6,$(FOLDERS)).json
SST      := $(filter sst2 sst5,$(KIND))
# Artifacts record the digest of the code that computes them (pipeline/infra/provenance.py);
# when it changes, make reruns the stages and they rebuild what that code made.
READING_CODE   := $(wildcard data/*.py)
COMPUTING_CODE := $(wildcard data/*.py models/*.py training/*.py pipeline/families/*.py)
ALL      := $(foreach f,$(FAMILY_NAMES),$(if $(filter $(KIND),$(FAMILY.$(f))),$(f)))
MODELS   := $(or $(MODEL),$(if $(SST),all,linear))
FAMILIES := $(if $(filter all,$(MODELS)),$(ALL),$(MODELS))
CLASSIFY := $(foreach f,$(FAMILIES),$(RUN)/classify-$(f)-$(TASK).pt)
# A report's folder is named as its run's (config, its digest and seed), so no other run's
# report overwrites it.
REPORT   := $(REPORTS)/$(TASK)/$(RUN_NAME)/accuracy.json
# eval writes which run and families the report holds, under the report's lock; make remakes
# it when that is another run or lacks one of this MODEL's families (a report that holds more
# is this one's too: two makes at once, MODEL=linear and MODEL="linear greedy", both end with
# the greedy rows in it; the eval stage checks again under the lock).
REPORT_SOURCE := $(REPORTS)/$(TASK)/$(RUN_NAME)/.source
REPORTED := $(file <$(REPORT_SOURCE))
REPORT_STALE := $(if $(filter-out $(RUN_NAME),$(or $(firstword $(REPORTED)),none))$\
                  $(filter-out $(wordlist 2,999,$(REPORTED)),$(FAMILIES)),FORCE)

ARGS = --config $(CONFIG) --seed $(SEED) --device $(DEVICE) --build $(BUILD) --reports $(REPORTS) \
       --nproc $(NPROC) --checkpoint-every $(CHECKPOINT) $(if $(value VECTORS),--vectors "$$RAE_VECTORS") \
       $(if $(value CORPUS),--unlabeled "$$RAE_CORPUS")
DATASET_ARGS = --dataset "$$RAE_DATASET" --text-column "$$RAE_TEXT_COLUMN" \
               --label-column "$$RAE_LABEL_COLUMN"
TASK_ARGS = $(DATASET_ARGS) --protocol $(PROTOCOL)
STAGE = $(PY) -m pipeline
# NPROC > 1: torchrun's launcher (pipeline/launch.py takes torchrun's options) starts the ranks
PRETRAIN_STAGE = $(if $(filter-out 1,$(NPROC)),$(PY) -m pipeline.launch --standalone \
                   --nproc-per-node=$(NPROC) -m pipeline,$(STAGE))

.DEFAULT_GOAL := help
.PHONY: help install prepare pretrain classify eval benchmark sweep results parser predict export \
        serve toy bench test test-fast clean FORCE

help: ## list targets and variables
	@echo "Targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /  \1\t/' | expand -t 12
	@echo "Variables (default):"
	@grep -E '^[A-Z_]+ +\?=.*## ' $(MAKEFILE_LIST) | sed -E 's/^([A-Z_]+) +\?= *([^#]*)## /  \1=\2\t/' | expand -t 34
	@echo "Families (MODEL=...; the data sets MODEL=all runs them on):"
	@$(foreach f,$(sort $(FAMILY_NAMES)),printf '  %-16s%s\n' '$(f)' '$(FAMILY.$(f))';)

install: $(SETUP) ## create .venv and install the project (editable)

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --editable .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet --editable '.[dev]'
	touch $@

prepare: $(LABELED) $(UNLABELED) ## read and tokenise the DATASET and the unlabeled reviews

$(BUILD)/data/%.json: $(SETUP) $(READING_CODE)
	$(STAGE) prepare $(ARGS) --corpus $*

$(UNLABELED): $(SETUP) $(READING_CODE)
	$(STAGE) prepare $(ARGS) --corpus unlabeled

# A user's data set: its name holds a fingerprint of its content, so an edited file is a new
# target and is read again.
ifeq ($(KIND),user)
$(LABELED): $(SETUP) $(READING_CODE)
	$(STAGE) prepare $(ARGS) $(DATASET_ARGS)
endif

pretrain: $(PRETRAIN) ## train word vectors and the linear RAE on unlabeled text

$(PRETRAIN): $(UNLABELED) $(COMPUTING_CODE)
	$(PRETRAIN_STAGE) pretrain $(ARGS)

classify: $(CLASSIFY) ## fit the MODEL's classifiers on the DATASET, fold by fold

# One pattern rule makes both files of a family: per-fold predictions and the model predict uses.
$(RUN)/classify-%-$(TASK).pt $(RUN)/model-%-$(TASK).pt: $(PRETRAIN) $(LABELED) $(COMPUTING_CODE)
	$(STAGE) classify $(ARGS) $(TASK_ARGS) --model $* --jobs $(JOBS)

# A family that follows trees reads the parser's on a task without trees of its own.
ifeq ($(SST),)
$(foreach f,$(TREE_FAMILIES),$(RUN)/classify-$(f)-$(TASK).pt): $(PARSER)
endif

eval: $(REPORT) ## baselines, metrics and figures -> reports/DATASET-PROTOCOL/RUN/

$(REPORT): $(CLASSIFY) $(if $(filter $(TREE_FAMILIES),$(FAMILIES)),$(PARSER)) $(REPORT_STALE)
	$(STAGE) eval $(ARGS) $(TASK_ARGS) --model $(MODELS)

# Every built-in task with its own protocol, every family that runs on it; stages already built
# are reused, and a second run does no work.
BENCHMARK := mr-cv10 subj-cv10 cr-cv10 mpqa-cv10 sst2-split sst5-split
SUMMARY   := $(REPORTS)/summary/$(RUN_NAME).json

benchmark: ## every built-in task, MODEL=all -> reports/summary/RUN.{json,md}
	@$(foreach t,$(BENCHMARK),$(MAKE) --no-print-directory eval MODEL=all \
	  DATASET=$(firstword $(subst -, ,$(t))) PROTOCOL=$(lastword $(subst -, ,$(t))) &&) true
	@$(MAKE) --no-print-directory $(SUMMARY)

$(SUMMARY): $(foreach t,$(BENCHMARK),$(REPORTS)/$(t)/$(RUN_NAME)/accuracy.json)
	$(STAGE) summary $(ARGS) --tasks $(BENCHMARK)

# Each seed's eval is a make of its own, JOBS at once, sharing the cores (JOBS is at most
# their number); the data are prepared first, once, rather than by parallel runs side by
# side. A seed named twice is run and counted once.
unique = $(if $(1),$(firstword $(1)) $(call unique,$(filter-out $(firstword $(1)),$(1))))
SWEEP_SEEDS := $(strip $(call unique,$(SEEDS)))
SWEEP_THREADS = $(shell echo $$(( $$(nproc) / $(JOBS) )))

sweep: $(LABELED) $(UNLABELED) ## make eval for each of SEEDS, JOBS at once -> reports/DATASET-PROTOCOL/
	@OMP_NUM_THREADS=$(SWEEP_THREADS) $(MAKE) --no-print-directory -j$(JOBS) \
	  $(addprefix sweep-seed-,$(SWEEP_SEEDS))
	$(STAGE) seeds $(ARGS) $(TASK_ARGS) --model $(MODELS) --seeds $(SWEEP_SEEDS)

sweep-seed-%:
	@$(MAKE) --no-print-directory eval SEED=$* JOBS=1

# The results of record (pipeline/results.py's RECORD: each task, its seeds and MODEL): every
# sweep they need (hours; make resumes), then results/ and the tables of README.md and docs/.
results: $(SETUP) ## every sweep results/ records, then results/ and the docs' tables from it
	@$(STAGE) results --plan | while read dataset protocol seeds models; do \
	  $(MAKE) --no-print-directory sweep DATASET=$$dataset PROTOCOL=$$protocol \
	    SEEDS="$$(echo $$seeds | tr , ' ')" MODEL="$$(echo $$models | tr , ' ')" || exit 1; \
	done
	$(STAGE) results $(ARGS)

parser: $(PARSER) ## learn a parser from SST's training trees -> build/RUN/parser.pt, reports/sst-parser/

$(PARSER): $(PRETRAIN) $(BUILD)/data/sst.json $(COMPUTING_CODE)
	$(STAGE) parser $(ARGS)

# TEXT reaches predict through the environment, never through the shell or make's own
# expansion: $(value TEXT) is the text as typed, whatever $, quotes or backticks it holds.
unexport TEXT
predict: export RAE_PREDICT_TEXT = $(value TEXT)
predict: $(RUN)/model-linear-$(TASK).pt ## classify TEXT (or stdin lines) with the trained model
	$(STAGE) predict $(ARGS) $(TASK_ARGS) --text-variable RAE_PREDICT_TEXT

export: $(REPORT) ## the MODEL's trained classifier as a shareable folder -> exports/TASK-MODEL/
	$(STAGE) export $(ARGS) $(TASK_ARGS) --model $(MODELS) --exports $(EXPORTS)

# The page's models, DATASET:MODEL, the default first: the best phrase model on SST's five
# classes (parsing what is typed), the same on two, and the greedy RAE, which builds its own
# trees (`python -m pipeline serve --model FOLDER ...` serves any folders).
PAGE_MODELS := sst5:treelstm sst2:treelstm mr:greedy
page_folder = $(EXPORTS)/$(subst :,-split-,$(1))
serve: ## the web page at http://127.0.0.1:PORT/: a sentence's tree, the reports, the errors
	@$(foreach m,$(PAGE_MODELS),$(MAKE) --no-print-directory export PROTOCOL=split \
	  DATASET=$(word 1,$(subst :, ,$(m))) MODEL=$(word 2,$(subst :, ,$(m))) &&) true
	$(STAGE) serve $(foreach m,$(PAGE_MODELS),--model $(call page_folder,$(m))) \
	  --reports $(REPORTS) --port $(PORT) --device $(DEVICE)

toy: $(REPORTS)/toy/toy.json ## the original one-hot toy, two recipes, recall sweep -> reports/toy/

$(REPORTS)/toy/toy.json: $(SETUP) models/linear_rae.py training/toy.py pipeline/toy.py
	$(STAGE) toy --seed $(SEED) --reports $(REPORTS)

bench: $(SETUP) ## measure training and predict speed -> reports/bench.json, bench.png
	$(STAGE) bench $(ARGS)

test: $(VENV)/.installed-dev ## lint, unit and integration tests
	$(PY) -m ruff check .
	$(PY) -m pytest -q

test-fast: $(VENV)/.installed-dev ## lint and the unit tests only (under a minute)
	$(PY) -m ruff check .
	$(PY) -m pytest -q -m "not slow and not integration"

clean: ## delete build/, reports/ and exports/
	rm -rf $(BUILD) $(REPORTS) $(EXPORTS)

FORCE:
