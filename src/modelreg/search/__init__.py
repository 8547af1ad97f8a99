"""The search language: filters, ``order_by`` clauses and page tokens, parsed to a small AST."""

from modelreg.search.ast import Comparison, Filter, OrderKey
from modelreg.search.order_by import parse_order_by
from modelreg.search.page_token import decode_page_token, encode_page_token
from modelreg.search.parser import parse_filter
from modelreg.search.specs import EXPERIMENTS, MODEL_VERSIONS, REGISTERED_MODELS, RUNS, SearchSpec

__all__ = [
    "EXPERIMENTS",
    "MODEL_VERSIONS",
    "REGISTERED_MODELS",
    "RUNS",
    "Comparison",
    "Filter",
    "OrderKey",
    "SearchSpec",
    "decode_page_token",
    "encode_page_token",
    "parse_filter",
    "parse_order_by",
]
