# Fit lmer(score ~ time + (time | group), REML = TRUE) with lme4's default control to a prepared
# CSV (columns group, time, score) and print the estimates as one JSON object on stdout.
# fit_seconds is the elapsed time of lmer() alone (system.time), without R's start-up or the read.
# Usage: Rscript lme4_fit.R FILE.csv

read_prepared <- function(path) {
  classes <- c(group = "character", time = "numeric", score = "numeric")
  if (requireNamespace("data.table", quietly = TRUE)) {
    d <- as.data.frame(data.table::fread(path, colClasses = classes, showProgress = FALSE))
  } else {
    d <- read.csv(path, colClasses = classes)
  }
  d$group <- factor(d$group)
  d
}

# A JSON value: a list is an array, a string is escaped, a number keeps 17 significant digits.
json_value <- function(x) {
  if (is.list(x)) return(sprintf("[%s]", paste(vapply(x, json_value, ""), collapse = ", ")))
  if (is.null(x) || length(x) == 0) return("null")
  if (is.character(x)) {
    for (special in c("\\", "\"")) x <- gsub(special, paste0("\\", special), x, fixed = TRUE)
    x <- gsub("\n", "\\n", gsub("\t", "\\t", x, fixed = TRUE), fixed = TRUE)
    return(sprintf("\"%s\"", x))
  }
  if (is.logical(x)) return(if (isTRUE(x)) "true" else "false")
  if (!is.finite(x)) return("null")
  sprintf("%.17g", x)
}

to_json <- function(fields) {
  body <- vapply(names(fields), function(k) sprintf("  \"%s\": %s", k, json_value(fields[[k]])), "")
  paste0("{\n", paste(body, collapse = ",\n"), "\n}\n")
}

main <- function() {
  args <- commandArgs(trailingOnly = TRUE)
  if (length(args) != 1) stop("usage: Rscript lme4_fit.R FILE.csv")
  suppressPackageStartupMessages(library(lme4))
  d <- read_prepared(args[1])

  messages <- character(0)
  elapsed <- system.time(
    m <- withCallingHandlers(
      lmer(score ~ time + (time | group), data = d, REML = TRUE),
      warning = function(w) {
        messages <<- c(messages, conditionMessage(w))
        invokeRestart("muffleWarning")
      }
    )
  )[["elapsed"]]

  vc <- as.data.frame(VarCorr(m))
  beta <- fixef(m)
  cat(to_json(list(
    tool = "lme4",
    version = as.character(packageVersion("lme4")),
    groups = unname(ngrps(m)),
    observations = nobs(m),
    fit_seconds = elapsed,
    intercept = unname(beta[["(Intercept)"]]),
    slope = unname(beta[["time"]]),
    sd_intercept = vc$sdcor[1],
    sd_slope = vc$sdcor[2],
    correlation = vc$sdcor[3],
    residual_sd = sigma(m),
    reml_criterion = unname(REMLcrit(m)),
    optimizer = m@optinfo$optimizer,
    evaluations = m@optinfo$feval,
    singular = isSingular(m),
    messages = as.list(unique(c(messages, unlist(m@optinfo$conv$lme4$messages))))
  )))
}

main()
