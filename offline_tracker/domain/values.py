"""Frozen value classes without generated code: `@value` is `@dataclass(frozen=True)` made at a
twentieth of the cost, without importing `dataclasses` (issue 19).

A frozen dataclass compiles six methods from source text when its module is imported (about
0.6 ms a class on Python 3.11; `ot log` imported 38 of them, a fifth of its start-up), and the
`dataclasses` module imports `inspect` (with `ast`, `dis` and `tokenize`: 8 ms more). `@value`
reads the class's annotated fields itself and gives it methods written once, here: `__init__`
(positional and keyword arguments, defaults, `field(default_factory=...)`, `init=False` fields,
`__post_init__`; it fills the instance's dict in one step, faster than the generated one),
`__eq__` and `__hash__` over the fields that compare, `__repr__` over those shown, the frozen
`__setattr__`/`__delattr__` and `__match_args__`. `field`, `fields` and `replace` are
dataclasses' for these classes. tests/domain/test_values.py holds all of it to what
`@dataclass(frozen=True)` does. Classes with `order=True` or `slots=True` stay dataclasses.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a value (dataclasses.FrozenInstanceError's counterpart)."""


class Field:
    """One field of a value class, as `dataclasses.Field` describes one."""

    __slots__ = ("compare", "default", "default_factory", "hash", "init", "kw_only", "name", "repr")

    def __init__(
        self,
        default: Any = MISSING,
        default_factory: Any = MISSING,
        init: bool = True,
        repr: bool = True,
        compare: bool = True,
        hash: bool | None = None,
        kw_only: Any = MISSING,
    ) -> None:
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default, self.default_factory, self.init = default, default_factory, init
        self.repr, self.compare, self.hash, self.kw_only = repr, compare, hash, kw_only

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r}, init={self.init})"


def field(
    *,
    default: Any = MISSING,
    default_factory: Callable[[], Any] | Any = MISSING,
    init: bool = True,
    repr: bool = True,
    compare: bool = True,
    hash: bool | None = None,
    kw_only: bool | Any = MISSING,
) -> Any:
    """A field's default, factory and flags, as `dataclasses.field` takes them."""
    return Field(default, default_factory, init, repr, compare, hash, kw_only)


def fields(obj: Any) -> tuple[Field, ...]:
    """The fields of a value class or value, in order (`dataclasses.fields`)."""
    found: tuple[Field, ...] | None = getattr(obj, "__value_fields__", None)
    if found is None:
        raise TypeError("fields() takes a value class or a value")
    return found


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of `obj` with `changes` (`dataclasses.replace`: __post_init__ runs again)."""
    for f in fields(obj):
        if not f.init:
            if f.name in changes:
                raise ValueError(f"field {f.name} is declared with init=False")
            continue
        if f.name not in changes:
            changes[f.name] = getattr(obj, f.name)
    made: T = obj.__class__(**changes)
    return made


@overload
def value(cls: type[T], /) -> type[T]: ...
@overload
def value(*, kw_only: bool = False, order: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
def value(cls: Any = None, /, *, kw_only: bool = False, order: bool = False) -> Any:
    """`@dataclass(frozen=True)` (with `kw_only` and `order`, as dataclass has them) without
    generated code."""

    def make(cls: Any) -> Any:
        found = _collect(cls, kw_only)
        cls.__value_fields__ = found
        if "__match_args__" not in cls.__dict__:
            match = tuple(f.name for f in found if f.init and not f.kw_only)
            setattr(cls, "__match_args__", match)  # noqa: B010 (a class mypy sees as Any)
        _methods(cls, found)
        if order:
            _order(cls, _getter([f.name for f in found if f.compare]))
        return cls

    return make if cls is None else make(cls)


def _collect(cls: Any, kw_only: bool) -> tuple[Field, ...]:
    """The fields: those of value bases, then the class's own annotations, in order."""
    found: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        found.update((f.name, f) for f in getattr(base, "__value_fields__", ()))
    own = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 (inspect is what we avoid)
    for name, annotation in own.items():
        if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
            continue
        given = cls.__dict__.get(name, MISSING)
        made = given if isinstance(given, Field) else Field(default=given)
        made.name = name
        made.kw_only = kw_only if made.kw_only is MISSING else made.kw_only
        if isinstance(made.default, list | dict | set):
            kind = type(made.default).__name__
            raise ValueError(f"mutable default {kind} for field {name} is not allowed")
        if made.default is MISSING:
            if name in cls.__dict__:
                delattr(cls, name)
        else:
            setattr(cls, name, made.default)
        found[name] = made
    _check_order(found.values())
    return tuple(found.values())


def _check_order(found: Any) -> None:
    """A field without a default after one with a default is refused, as dataclass does."""
    defaulted = False
    for f in found:
        if not f.init or f.kw_only:
            continue
        has_default = f.default is not MISSING or f.default_factory is not MISSING
        if defaulted and not has_default:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")
        defaulted = defaulted or has_default


def _methods(cls: Any, found: tuple[Field, ...]) -> None:
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


def _order(cls: Any, compared: Callable[[Any], tuple[Any, ...]]) -> None:
    """<, <=, >, >= between values of one class, field by field (dataclass's order=True)."""
    import operator

    for name in ("__lt__", "__le__", "__gt__", "__ge__"):

        def compare(self: Any, other: Any, test: Any = getattr(operator, name)) -> Any:
            if other.__class__ is self.__class__:
                return test(compared(self), compared(other))
            return NotImplemented

        compare.__name__, compare.__qualname__ = name, f"{cls.__qualname__}.{name}"
        setattr(cls, name, compare)


def _frozen(cls: Any, found: tuple[Field, ...]) -> tuple[Callable[..., None], ...]:
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


def _init(cls: Any, found: tuple[Field, ...]) -> Callable[..., None]:
    taken = [f for f in found if f.init]
    positional = tuple(f.name for f in taken if not f.kw_only)
    known = frozenset(f.name for f in taken)
    defaults = {f.name: f.default for f in taken if f.default is not MISSING}
    factories = [(f.name, f.default_factory) for f in taken if f.default_factory is not MISSING]
    fixed = [(f.name, f.default, f.default_factory) for f in found if not f.init]
    post_init = getattr(cls, "__post_init__", None)
    name = cls.__qualname__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if args:
            values = _positional(name, positional, defaults, args, known, kwargs)
        elif known.issuperset(kwargs):
            values = {**defaults, **kwargs}
        else:
            raise TypeError(
                f"{name}() got an unexpected keyword argument {_first(kwargs, known)!r}"
            )
        for field_name, make in factories:
            if field_name not in values:
                values[field_name] = make()
        if len(values) != len(known):
            missing = ", ".join(sorted(known - values.keys()))
            raise TypeError(f"{name}() missing required arguments: {missing}")
        if fixed:
            _fill_fixed(values, fixed)
        self.__dict__.update(values)
        if post_init is not None:
            post_init(self)

    return __init__


def _fill_fixed(values: dict[str, Any], fixed: list[tuple[str, Any, Any]]) -> None:
    """The fields that are not arguments: their factory's value or their default, if any."""
    for field_name, default, make in fixed:
        if make is not MISSING:
            values[field_name] = make()
        elif default is not MISSING:
            values[field_name] = default


def _positional(
    name: str,
    positional: tuple[str, ...],
    defaults: dict[str, Any],
    args: tuple[Any, ...],
    known: frozenset[str],
    kwargs: dict[str, Any],
) -> dict[str, Any]:
    """The values of a call with positional arguments (and maybe keywords too)."""
    if len(args) > len(positional):
        raise TypeError(f"{name}() takes {len(positional)} positional arguments")
    values = dict(defaults)
    values.update(zip(positional, args, strict=False))
    if kwargs:
        if not known.issuperset(kwargs):
            raise TypeError(
                f"{name}() got an unexpected keyword argument {_first(kwargs, known)!r}"
            )
        twice = kwargs.keys() & set(positional[: len(args)])
        if twice:
            raise TypeError(f"{name}() got multiple values for argument {sorted(twice)[0]!r}")
        values.update(kwargs)
    return values


def _first(kwargs: dict[str, Any], known: frozenset[str]) -> str:
    return sorted(kwargs.keys() - known)[0]
