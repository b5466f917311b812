"""The stages, one module each (`python -m pipeline <stage>`); the RAE families in families/, what
the stages rely on in infra/."""
