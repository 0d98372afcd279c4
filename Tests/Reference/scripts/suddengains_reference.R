# Sudden gains and losses in suddengains' example data, the reference values of
# Tests/RomtrackCoreTests/SuddenGainTests.swift (suddengainsExampleData, suddengainsExampleLosses) and
# Tests/RomtrackEndToEndTests/ReferenceDataTests.swift.
#
#   git clone https://github.com/milanwiedemann/suddengains /tmp/sg    # commit e964e74 (0.7.2)
#   Rscript Tests/Reference/scripts/suddengains_reference.R /tmp/sg
#
# The calls of the package's tutorial vignette (vignettes/suddengains-tutorial.Rmd), run on the package's
# own functions sourced from its R/ folder with the `suddengains::` prefix dropped (so that the package
# need not be installed with all its imports; suddengains is not in Debian). Ran with R 4.2.2 and dplyr
# 1.0.10 (Debian 12) and printed what the vignette's rendered output (docs/articles/
# suddengains-tutorial.html at e964e74) publishes:
#   gains 24 clients 15 reversed 4
#     id sg_session_n sg_magnitude sg_reversal
#   1  4            9           -9           1
#   2 34            7          -12           0
#   3 35            7          -18           1
suppressMessages({library(dplyr); library(magrittr)})
args <- commandArgs(trailingOnly = TRUE)
package <- if (length(args) > 0) args[[1]] else "/tmp/sg"
for (f in c("identify_sg.R", "identify_sl.R", "create_bysg.R", "extract_values.R", "select_cases.R",
            "rename_sg_vars.R", "check_interval.R", "count_intervals.R", "define_crit1_cutoff.R")) {
  eval(parse(text = gsub("suddengains::", "", readLines(file.path(package, "R", f)), fixed = TRUE)))
}
load(file.path(package, "data", "sgdata.RData"))
bdi <- paste0("bdi_s", 1:12)
bysg <- create_bysg(data = sgdata, sg_crit1_cutoff = 7, id_var_name = "id", tx_start_var_name = "bdi_s1",
                    tx_end_var_name = "bdi_s12", sg_var_list = bdi, sg_measure_name = "bdi")
cat("gains", nrow(bysg), "clients", length(unique(bysg$id)), "reversed", sum(bysg$sg_reversal), "\n")
bysl <- create_bysg(data = sgdata, sg_crit1_cutoff = -7, id_var_name = "id", tx_start_var_name = "bdi_s1",
                    tx_end_var_name = "bdi_s12", sg_var_list = bdi, sg_measure_name = "bdi", identify = "sl")
print(as.data.frame(bysl[, c("id", "sg_session_n", "sg_magnitude", "sg_reversal")]))
