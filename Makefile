# RAE sentence classification. `make help` lists the targets; variables below can be set on
# the command line, e.g. `make eval PROTOCOL=cv10 SEED=1`.

CONFIG   ?= configs/default.toml## TOML settings; unknown keys or bad values stop the run
DATASET  ?= mr## mr, sst2 or sst5 (SST: its standard split, PROTOCOL=split)
PROTOCOL ?= split## split (80/10/10) or cv10 (stratified 10-fold CV; MR only)
MODEL    ?=## a family below, or all (empty: linear on MR, all on SST)
SEED     ?= 0## seeds folds, initialisation and data order
DEVICE   ?= auto## auto, cpu or cuda
BUILD    ?= build## where artifacts go (git-ignored)
REPORTS  ?= reports## where reports go (git-ignored)
CHECKPOINT ?= 60## seconds between checkpoints of pretrain and classify (0: every step)
TEXT     ?=## sentence for `make predict` (empty: read stdin)
PYTHON   ?= python3## interpreter that creates the virtual environment
VENV     ?= .venv

PY    ?= $(VENV)/bin/python
SETUP ?= $(VENV)/.installed
# The RAE families (pipeline/families/) and the data sets MODEL=all runs each on, one line a
# family; tests/pipeline/test_families.py checks that these lines and the registry agree.
FAMILY.linear        := mr sst2 sst5
FAMILY.greedy        := mr sst2 sst5
FAMILY.greedy-random := mr
FAMILY.tree          := sst2 sst5

# Same layout as pipeline/infra/paths.py.
RUN      := $(BUILD)/$(basename $(notdir $(CONFIG)))-seed$(SEED)
TASK     := $(DATASET)-$(PROTOCOL)
LABELED  := $(BUILD)/data/$(if $(filter mr,$(DATASET)),mr,sst).json
UNLABELED := $(BUILD)/data/unlabeled.json
PRETRAIN := $(RUN)/pretrain.pt
FAMILY_NAMES := $(sort $(patsubst FAMILY.%,%,$(filter FAMILY.%,$(.VARIABLES))))
ALL      := $(foreach f,$(FAMILY_NAMES),$(if $(filter $(DATASET),$(FAMILY.$(f))),$(f)))
MODELS   := $(or $(MODEL),$(if $(filter mr,$(DATASET)),linear,all))
FAMILIES := $(if $(filter all,$(MODELS)),$(ALL),$(MODELS))
CLASSIFY := $(foreach f,$(FAMILIES),$(RUN)/classify-$(f)-$(TASK).pt)
REPORT   := $(REPORTS)/$(TASK)/accuracy.json
# Which run the report was last made from: switching CONFIG, SEED or MODEL rewrites
# this file, so the report is remade even when that run's artifacts are older than it.
REPORT_SOURCE := $(BUILD)/.report-$(TASK).source

ARGS = --config $(CONFIG) --seed $(SEED) --device $(DEVICE) --build $(BUILD) --reports $(REPORTS) \
       --checkpoint-every $(CHECKPOINT)
STAGE = $(PY) -m pipeline

.DEFAULT_GOAL := help
.PHONY: help install prepare pretrain classify eval predict toy bench test test-fast clean FORCE

help: ## list targets and variables
	@echo "Targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /  \1\t/' | expand -t 12
	@echo "Variables (default):"
	@grep -E '^[A-Z]+ +\?=.*## ' $(MAKEFILE_LIST) | sed -E 's/^([A-Z]+) +\?= *([^#]*)## /  \1=\2\t/' | expand -t 34
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

$(BUILD)/data/%.json: $(SETUP)
	$(STAGE) prepare $(ARGS) --corpus $*

pretrain: $(PRETRAIN) ## train word vectors and the linear RAE on unlabeled text

$(PRETRAIN): $(UNLABELED) $(CONFIG)
	$(STAGE) pretrain $(ARGS)

classify: $(CLASSIFY) ## fit the MODEL's classifiers on the DATASET, fold by fold

# One pattern rule makes both files of a family: per-fold predictions and the model predict uses.
$(RUN)/classify-%-$(TASK).pt $(RUN)/model-%-$(TASK).pt: $(PRETRAIN) $(LABELED)
	$(STAGE) classify $(ARGS) --dataset $(DATASET) --protocol $(PROTOCOL) --model $*

eval: $(REPORT) ## baselines, metrics and figures -> reports/DATASET-PROTOCOL/

$(REPORT_SOURCE): FORCE
	@mkdir -p $(@D)
	@echo '$(RUN) $(MODELS)' | cmp -s - $@ || echo '$(RUN) $(MODELS)' > $@

$(REPORT): $(CLASSIFY) $(REPORT_SOURCE)
	$(STAGE) eval $(ARGS) --dataset $(DATASET) --protocol $(PROTOCOL) --model $(MODELS)

predict: $(RUN)/model-linear-$(TASK).pt ## classify TEXT (or stdin lines) with the trained model
	$(STAGE) predict $(ARGS) --dataset $(DATASET) --protocol $(PROTOCOL) $(if $(TEXT),"$(TEXT)")

toy: $(REPORTS)/toy/toy.json ## the original one-hot toy, two recipes, recall sweep -> reports/toy/

$(REPORTS)/toy/toy.json: $(SETUP) models/linear_rae.py training/toy.py pipeline/toy.py
	$(STAGE) toy --seed $(SEED) --reports $(REPORTS)

bench: $(SETUP) ## measure training speed -> reports/bench.json
	$(STAGE) bench $(ARGS)

test: $(VENV)/.installed-dev ## lint, unit and integration tests
	$(PY) -m ruff check .
	$(PY) -m pytest -q

test-fast: $(VENV)/.installed-dev ## lint and the unit tests only (under a minute)
	$(PY) -m ruff check .
	$(PY) -m pytest -q -m "not slow and not integration"

clean: ## delete build/ and reports/
	rm -rf $(BUILD) $(REPORTS)

FORCE:
