"""The typed item (`CSLItem`) says what the vocabulary says, key for key."""

from __future__ import annotations

import typing

from evidencebib.model import vocabulary as v
from evidencebib.model.item import CSLItem, DateValue, Name


def test_typed_item_has_exactly_the_item_keys():
    assert set(CSLItem.__annotations__) == v.ITEM_KEYS


def test_name_and_date_variables_are_typed_as_names_and_dates():
    hints = typing.get_type_hints(CSLItem)
    for variable in v.NAME_VARIABLES:
        assert hints[variable] == list[Name], variable
    for variable in v.DATE_VARIABLES:
        assert hints[variable] == DateValue, variable
    for variable in v.TEXT_KEYS:
        assert hints[variable] in (str, typing.Union[str, int]), variable
    for variable in v.TEXT_KEYS - v.SCHEMA_NUMERIC:
        assert hints[variable] is str, variable


def test_name_and_date_types_hold_the_schema_object_keys():
    assert set(Name.__annotations__) == set(v.NAME_PARTS)
    assert set(DateValue.__annotations__) == set(v.DATE_KEYS)
