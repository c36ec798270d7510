"""`@value` (domain/values.py) behaves as `@dataclass(frozen=True)`: the same class made both
ways must construct, refuse, compare, hash, show, replace and pickle alike."""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offline_tracker.domain import values
from offline_tracker.domain.values import value

# (decorator, field, fields, replace, FrozenInstanceError) of each way
OURS_WAY = (value, values.field, values.fields, values.replace, values.FrozenInstanceError)
THEIR_WAY = (
    dataclasses.dataclass(frozen=True),
    dataclasses.field,
    dataclasses.fields,
    dataclasses.replace,
    dataclasses.FrozenInstanceError,
)


def _record(way: Any) -> Any:
    decorate, field = way[:2]

    class Record:
        """A sample with every kind of field the domain uses."""

        id: str
        start: int
        end: int | None = None
        tags: tuple[str, ...] = ()
        extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
        secret: str = field(default="s", repr=False)
        cache: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

        def __post_init__(self) -> None:
            if self.end is not None and self.end < self.start:
                raise ValueError("end before start")
            object.__setattr__(self, "length", (self.end or self.start) - self.start)

        @property
        def running(self) -> bool:
            return self.end is None

    Record.__qualname__ = "Record"
    return decorate(Record)


def _keywords(decorate: Any) -> Any:
    class Terms:
        zone: str
        hours: int = 8

    Terms.__qualname__ = "Terms"
    return decorate(Terms)


OURS, THEIRS = _record(OURS_WAY), _record(THEIR_WAY)
Record = OURS  # pickle finds a class by its module and name
CALLS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    (("1", 5), {}),
    (("1",), {"start": 5, "end": 9, "tags": ("a",)}),
    ((), {"id": "2", "start": 1, "extra": {"k": "v"}, "secret": "x"}),
    (("1", 5, 3), {}),  # end before start: __post_init__ refuses
    (("1",), {}),  # start missing
    (("1", 5), {"start": 6}),  # start twice
    (("1", 5), {"nope": 1}),
    (("1", 5, 6, (), {}, "s", "too many"), {}),
    ((), {"id": "1", "start": 1, "cache": {}}),  # not an argument
]


def _outcome(cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    try:
        made = cls(*args, **kwargs)
    except (TypeError, ValueError) as exc:
        return type(exc)
    fields = values.fields if cls is OURS else dataclasses.fields
    shown = {f.name: getattr(made, f.name) for f in fields(made)}
    return (repr(made), vars(made), made.running, shown)


@pytest.mark.parametrize(("args", "kwargs"), CALLS)
def test_it_constructs_and_refuses_as_a_frozen_dataclass(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    assert _outcome(OURS, args, kwargs) == _outcome(THEIRS, args, kwargs)


@given(
    a=st.tuples(st.sampled_from("12"), st.integers(0, 3), st.sampled_from([None, 3, 4])),
    b=st.tuples(st.sampled_from("12"), st.integers(0, 3), st.sampled_from([None, 3, 4])),
    extra=st.sampled_from([{}, {"k": "v"}]),
)
def test_it_compares_and_hashes_as_a_frozen_dataclass(a: Any, b: Any, extra: Any) -> None:
    ours = OURS(*a), OURS(*b, extra=extra)
    theirs = THEIRS(*a), THEIRS(*b, extra=extra)
    assert (ours[0] == ours[1]) == (theirs[0] == theirs[1])
    assert (hash(ours[0]) == hash(ours[1])) == (ours[0] == ours[1])
    assert ours[0] != theirs[0]  # another class: never equal
    assert (ours[0] == a) is False  # not a tuple either


def test_it_is_frozen_and_has_fields_and_replace() -> None:
    made: Any = OURS("1", 5, extra={"k": "v"})
    for change in (lambda: setattr(made, "id", "2"), lambda: delattr(made, "id")):
        with pytest.raises(values.FrozenInstanceError):
            change()
    with pytest.raises(AttributeError):  # dataclasses' error is an AttributeError too
        made.other = 1
    names = [f.name for f in dataclasses.fields(THEIRS)]
    assert [f.name for f in values.fields(made)] == names == [f.name for f in values.fields(OURS)]
    with pytest.raises(ValueError, match="init=False"):
        values.replace(made, cache={})
    changed: Any = values.replace(made, end=7)
    assert (changed.end, changed.length, changed.extra) == (7, 2, {"k": "v"})
    assert pickle.loads(pickle.dumps(made)) == made
    assert OURS("1", 5).extra is not OURS("1", 5).extra  # a new dict each time
    assert OURS.__match_args__ == THEIRS.__match_args__


def test_keyword_only_fields_and_order_as_dataclass_has_them() -> None:
    ours = value(kw_only=True, order=True)(_keywords(lambda cls: cls))
    their_way = dataclasses.dataclass(frozen=True, kw_only=True, order=True)
    theirs = their_way(_keywords(lambda cls: cls))
    for args, kwargs in (((), {"zone": "UTC"}), (("UTC",), {}), ((), {"zone": "UTC", "hours": 6})):
        assert _outcome_plain(ours, args, kwargs) == _outcome_plain(theirs, args, kwargs)
    pairs = [("A", 1), ("A", 2), ("B", 0)]
    for a, b in ((x, y) for x in pairs for y in pairs):
        mine = ours(zone=a[0], hours=a[1]), ours(zone=b[0], hours=b[1])
        their = theirs(zone=a[0], hours=a[1]), theirs(zone=b[0], hours=b[1])
        assert (mine[0] < mine[1], mine[0] >= mine[1]) == (
            their[0] < their[1],
            their[0] >= their[1],
        )


def test_what_dataclass_refuses_is_refused() -> None:
    for way in (OURS_WAY, THEIR_WAY):
        decorate, field = way[:2]
        with pytest.raises(TypeError):  # a field without a default after one with it

            @decorate
            class Late:
                a: int = 1
                b: int

        with pytest.raises(ValueError):  # a mutable default would be shared

            @decorate
            class Shared:
                a: list[int] = []  # noqa: RUF012

        with pytest.raises(ValueError):
            field(default=1, default_factory=int)


def _outcome_plain(cls: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    try:
        return repr(cls(*args, **kwargs))
    except TypeError:
        return TypeError


def test_a_method_the_class_writes_is_kept() -> None:
    @value
    class Loose:
        a: int

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Loose)

        def __repr__(self) -> str:
            return "loose"

    assert Loose(1) == Loose(2) and repr(Loose(1)) == "loose"
    assert hash(Loose(1)) == hash(Loose(1))  # its own __eq__ still gets the fields' hash
