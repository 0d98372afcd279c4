# Reference values of Tests/RomtrackCoreTests/GrowthModelTests.swift from lme4.
#
#   Rscript Tests/Reference/scripts/lme4_reference.R     (from the repository's root)
#
# lme4 1.1.31 (Matrix 1.5.3) under R 4.2.2: Debian 12's r-base-core and r-cran-lme4. The generated data
# come from `romtrack generate --clients 500 --seed 3 --out /tmp/gen` (run it first). The output is
# quoted, digits as printed, in the test file's LME4Reference constants. Rerun on 2026-12-07 (Debian 12,
# R 4.2.2, lme4 1.1.31): the sleepstudy and generated-data figures printed equal the constants.
library(lme4)
tight <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-10, maxfun = 1e5))
show <- function(label, m) {
  cat("==", label, "\n")
  cat(sprintf("theta %.10f %.10f %.10f\n", getME(m, "theta")[1], getME(m, "theta")[2], getME(m, "theta")[3]))
  cat("beta", sprintf("%.10f", fixef(m)), "\n")
  cat("se", sprintf("%.10f", sqrt(diag(as.matrix(vcov(m))))), "\n")
  vc <- as.data.frame(VarCorr(m))
  cat("sd_intercept", sprintf("%.10f", vc$sdcor[1]), "sd_slope", sprintf("%.10f", vc$sdcor[2]),
      "corr", sprintf("%.10f", vc$sdcor[3]), "sigma", sprintf("%.10f", sigma(m)), "\n")
  if (isREML(m)) cat("REMLcrit", sprintf("%.8f", REMLcrit(m)), "\n") else
    cat("logLik", sprintf("%.8f", logLik(m)), "deviance", sprintf("%.8f", deviance(m)),
        "AIC", sprintf("%.6f", AIC(m)), "BIC", sprintf("%.6f", BIC(m)), "\n")
  cat("nobs", nobs(m), "ngroups", ngrps(m), "singular", isSingular(m), "\n")
  re <- ranef(m, condVar = TRUE)[[1]]
  pv <- attr(re, "postVar")
  for (k in c(1, 2, 3, nrow(re))) cat("ranef", rownames(re)[k], sprintf("%.10f", re[k, 1]),
    sprintf("%.10f", re[k, 2]), "condsd", sprintf("%.10f", sqrt(pv[1, 1, k])), sprintf("%.10f", sqrt(pv[2, 2, k])), "\n")
}
sleep <- read.csv("Tests/Reference/sleepstudy/lme4_sleepstudy.csv"); sleep$Subject <- factor(sleep$Subject)
show("sleepstudy REML default", lmer(Reaction ~ Days + (Days | Subject), sleep))
show("sleepstudy REML tight", lmer(Reaction ~ Days + (Days | Subject), sleep, control = tight))
show("sleepstudy ML tight", lmer(Reaction ~ Days + (Days | Subject), sleep, REML = FALSE, control = tight))
# romtrack generate --clients 500 --seed 3 --out /tmp/gen: PHQ9 series (client x episode), non-missing
# scores, series with at least 3 of them; intake = the series' first score.
d <- read.csv("/tmp/gen/outcomes.csv", na.strings = c("NA", ""))
d <- d[d$instrument == "PHQ9" & !is.na(d$score), ]
d$g <- factor(paste(d$client_id, d$episode_id, sep = "/"))
d <- d[order(d$g, d$session), ]
d <- d[d$g %in% names(which(table(d$g) >= 3)), ]; d$g <- droplevels(d$g)
d$intake <- ave(d$score, d$g, FUN = function(x) x[1])
d$ls <- log(d$session)
day <- as.numeric(as.Date(d$date)); d$weeks <- (day - ave(day, d$g, FUN = function(x) x[1])) / 7
show("generated REML session", lmer(score ~ session + (session | g), d, control = tight))
show("generated ML session", lmer(score ~ session + (session | g), d, REML = FALSE, control = tight))
show("generated REML ETR", lmer(score ~ ls * intake + (ls | g), d, control = tight))
show("generated ML ETR", lmer(score ~ ls * intake + (ls | g), d, REML = FALSE, control = tight))
show("generated REML weeks", lmer(score ~ weeks + (weeks | g), d, control = tight))
