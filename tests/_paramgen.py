"""Bad-input cases generated from the parameter declarations (``vegafigs._params``).

Each public function wrapped by ``vegafigs._params.checked`` declares its
parameters once; every ``bad`` value of every declaration must be refused with
an ``InputError`` whose message starts with the parameter's name. A test module
lists its functions with a factory of one valid call and gets one case per
(function, parameter, bad value):

    CASES = bad_param_cases({vf.figures.bar_trend: lambda: ((df,), {"x": "a", "y": "b"})})

    @pytest.mark.parametrize(("fn", "make", "name", "bad"), CASES)
    def test_declared_params_refuse_bad_values(fn, make, name, bad):
        check_refused(fn, make, name, bad)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pytest

from vegafigs._params import declared
from vegafigs.errors import InputError

Make = Callable[[], tuple[tuple[Any, ...], dict[str, Any]]]


def bad_param_cases(
    calls: Mapping[Callable[..., Any], Make], *, skip: Iterable[str] = ()
) -> list[Any]:
    """One ``pytest.param`` per declared parameter and bad value of each function."""
    skipped = set(skip)
    cases = []
    for fn, make in calls.items():
        specs = declared(fn)
        assert specs, f"{fn.__name__} declares no parameters (is it wrapped by @checked?)"
        for name, spec in specs.items():
            if f"{fn.__name__}.{name}" in skipped:
                continue
            for bad in spec.bad:
                cases.append(pytest.param(fn, make, name, bad, id=f"{fn.__name__}-{name}-{bad!r}"))
    return cases


def check_refused(fn: Callable[..., Any], make: Make, name: str, bad: Any) -> None:
    """``fn`` called validly except ``name=bad`` raises an InputError naming ``name``."""
    args, kwargs = make()
    kwargs[name] = bad
    with pytest.raises(InputError) as info:
        fn(*args, **kwargs)
    assert str(info.value).startswith(name), f"message does not start with {name!r}: {info.value}"
