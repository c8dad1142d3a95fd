r"""Smooth optimisation: gradient descent, backtracking line search, Newton's method, and QPs.

The code of the optimisation chapter (``book/prerequisites/optimization.md``), one module per
concept:

- :mod:`.gradient_descent`: :func:`gradient_descent` and :func:`backtracking_line_search`
  (sections "Gradient descent" and "Line search");
- :mod:`.newton`: :func:`newton_method` (section "Newton's method");
- :mod:`.quadratic_programming`: :func:`solve_equality_qp`, :func:`qp_dual_function` and
  :func:`solve_qp_by_enumeration` (the sections on constraints, duality and the KKT conditions);
- :mod:`.objectives`: :func:`logistic_objective`, the chapter's smooth convex test function.

The functions minimise a differentiable :math:`f: \R^d \to \R` given as Python callables, or
solve small convex quadratic programs through their KKT conditions. Every public name is
re-exported here, so ``from mlmath.prerequisites.optimization import newton_method`` works.
"""

from mlmath.prerequisites.optimization.gradient_descent import (
    backtracking_line_search,
    gradient_descent,
)
from mlmath.prerequisites.optimization.newton import (
    NewtonResult,
    cholesky_newton_direction,
    newton_method,
)
from mlmath.prerequisites.optimization.objectives import logistic_objective
from mlmath.prerequisites.optimization.quadratic_programming import (
    qp_dual_function,
    solve_equality_qp,
    solve_qp_by_enumeration,
)

__all__ = [
    "NewtonResult",
    "cholesky_newton_direction",
    "gradient_descent",
    "backtracking_line_search",
    "newton_method",
    "solve_equality_qp",
    "qp_dual_function",
    "solve_qp_by_enumeration",
    "logistic_objective",
]
