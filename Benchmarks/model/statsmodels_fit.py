"""Fit statsmodels' MixedLM, score ~ time with a random intercept and slope per group
(re_formula="~time"), by REML, to a prepared CSV (columns group, time, score) and print the
estimates as one JSON object on stdout.

fit_seconds is time.perf_counter() around building the model from the formula and fitting it (what
lme4's lmer() call also does), without the interpreter's start-up, the imports or the read.

Usage: python3 statsmodels_fit.py FILE.csv
"""

import json
import math
import sys
import time
import warnings


def estimates(result):
    """The estimates on lme4's scale: SDs and correlation of the random effects, residual SD,
    REML criterion (-2 times the REML log-likelihood)."""
    cov = result.cov_re.to_numpy()
    sd_intercept = math.sqrt(cov[0, 0])
    sd_slope = math.sqrt(cov[1, 1])
    denominator = sd_intercept * sd_slope
    return {
        "intercept": float(result.fe_params["Intercept"]),
        "slope": float(result.fe_params["time"]),
        "sd_intercept": sd_intercept,
        "sd_slope": sd_slope,
        "correlation": float(cov[0, 1] / denominator) if denominator > 0 else None,
        "residual_sd": math.sqrt(result.scale),
        "reml_criterion": -2.0 * float(result.llf),
    }


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: statsmodels_fit.py FILE.csv")
    import pandas as pd
    import statsmodels
    import statsmodels.formula.api as smf

    data = pd.read_csv(sys.argv[1], dtype={"group": str, "time": float, "score": float})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        started = time.perf_counter()
        model = smf.mixedlm("score ~ time", data, groups=data["group"], re_formula="~time")
        result = model.fit(reml=True)
        fit_seconds = time.perf_counter() - started
    report = {
        "tool": "statsmodels",
        "version": statsmodels.__version__,
        "groups": int(model.n_groups),
        "observations": int(model.nobs),
        "fit_seconds": fit_seconds,
        **estimates(result),
        "method": getattr(result, "method", None),
        "converged": bool(result.converged),
        "messages": sorted({str(w.message) for w in caught}),
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
