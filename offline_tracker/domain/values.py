"""Frozen value classes without generated code: `@value` is `@dataclass(frozen=True)` made at a
twentieth of the cost (issue 19).

A frozen dataclass compiles six methods from source text when its module is imported (about
0.6 ms a class on Python 3.11; `ot log` imported 38 of them, a fifth of its start-up). `@value`
lets `dataclasses` collect the fields (so `dataclasses.fields`, `replace`, `asdict` work as
before) but generates nothing, and gives the class methods written once, here: `__init__`
(positional and keyword arguments, defaults, `field(default_factory=...)`, `init=False` fields,
`__post_init__`; it fills the instance's dict in one step, faster than the generated one),
`__eq__` and `__hash__` over the fields that compare, `__repr__` over those shown, and the
frozen `__setattr__`/`__delattr__`. tests/domain/test_values.py holds it to what
`@dataclass(frozen=True)` does. Classes with `order=True` or `slots=True` stay dataclasses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError, dataclass, field, fields
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")


@overload
def value(cls: type[T], /) -> type[T]: ...
@overload
def value(*, kw_only: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def value(cls: Any = None, /, *, kw_only: bool = False) -> Any:
    """`@dataclass(frozen=True)` (with `kw_only`, as dataclass has it) without generated code."""

    def make(cls: Any) -> Any:
        made = dataclass(cls, init=False, repr=False, eq=False, kw_only=kw_only)
        _methods(made, fields(made))
        return made

    return make if cls is None else make(cls)


def _methods(cls: Any, found: tuple[Field[Any], ...]) -> None:
    """The methods dataclass would generate, but those the class writes itself."""
    compared = _getter([f.name for f in found if f.compare])
    hashed = _getter([f.name for f in found if (f.compare if f.hash is None else f.hash)])
    shown = [f.name for f in found if f.repr]

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return compared(self) == compared(other)
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(hashed(self))

    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{self.__class__.__qualname__}({inner})"

    made = (_init(cls, found), __eq__, __hash__, __repr__, *_frozen(cls, found))
    for method in made:
        if cls.__dict__.get(method.__name__) is None:  # an __eq__ of its own sets __hash__ None
            method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
            setattr(cls, method.__name__, method)


def _frozen(cls: Any, found: tuple[Field[Any], ...]) -> tuple[Callable[..., None], ...]:
    """__setattr__ and __delattr__ that refuse, as a frozen dataclass's do."""
    names = frozenset(f.name for f in found)

    def __setattr__(self: Any, name: str, new: Any) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, new)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __setattr__, __delattr__


def _getter(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The fields' values as one tuple (attrgetter gives a bare value for a single name)."""
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return attrgetter(*names) if names else lambda _obj: ()


def _init(cls: Any, found: tuple[Field[Any], ...]) -> Callable[..., None]:
    taken = [f for f in found if f.init]
    positional = tuple(f.name for f in taken if not f.kw_only)
    known = frozenset(f.name for f in taken)
    defaults = {f.name: f.default for f in taken if f.default is not MISSING}
    factories: list[tuple[str, Any]] = [
        (f.name, f.default_factory) for f in taken if f.default_factory is not MISSING
    ]
    fixed: list[tuple[str, Any, Any]] = [
        (f.name, f.default, f.default_factory) for f in found if not f.init
    ]
    post_init = getattr(cls, "__post_init__", None)
    name = cls.__qualname__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(positional):
            raise TypeError(f"{name}() takes {len(positional)} positional arguments")
        values = dict(defaults)
        values.update(zip(positional, args, strict=False))
        if kwargs:
            _check_keywords(name, known, positional[: len(args)], kwargs)
            values.update(kwargs)
        for field_name, make in factories:
            if field_name not in values:
                values[field_name] = make()
        if len(values) != len(known):
            missing = ", ".join(sorted(known - values.keys()))
            raise TypeError(f"{name}() missing required arguments: {missing}")
        for field_name, default, make in fixed:
            values[field_name] = default if make is MISSING else make()
        self.__dict__.update(values)
        if post_init is not None:
            post_init(self)

    return __init__


def _check_keywords(
    name: str, known: frozenset[str], given: tuple[str, ...], kwargs: dict[str, Any]
) -> None:
    unknown = kwargs.keys() - known
    if unknown:
        raise TypeError(f"{name}() got an unexpected keyword argument {sorted(unknown)[0]!r}")
    twice = kwargs.keys() & set(given)
    if twice:
        raise TypeError(f"{name}() got multiple values for argument {sorted(twice)[0]!r}")
