# Sudden gains and losses in suddengains' example data, the reference values of
# Tests/RomtrackCoreTests/SuddenGainTests.swift (suddengainsExampleData, suddengainsExampleLosses) and
# Tests/RomtrackEndToEndTests/ReferenceDataTests.swift.
#
#   Rscript Tests/Reference/scripts/suddengains_reference.R
#
# The code of the package's tutorial vignette (vignettes/suddengains-tutorial.Rmd, suddengains 0.7.2); its
# rendered output (docs/articles/suddengains-tutorial.html in github.com/milanwiedemann/suddengains at
# commit e964e74) is what the tests quote: 24 sudden gains in 15 clients (4 reversed), and 3 sudden losses
# (clients 4, 34, 35; sg_session_n 9, 7, 7; sg_magnitude -9, -12, -18; sg_reversal 1, 0, 1).
library(suddengains)
bdi <- paste0("bdi_s", 1:12)
bysg <- create_bysg(data = sgdata, sg_crit1_cutoff = 7, id_var_name = "id", tx_start_var_name = "bdi_s1",
                    tx_end_var_name = "bdi_s12", sg_var_list = bdi, sg_measure_name = "bdi")
describe_sg(bysg, sg_data_structure = "bysg")
bysl <- create_bysg(data = sgdata, sg_crit1_cutoff = -7, id_var_name = "id", tx_start_var_name = "bdi_s1",
                    tx_end_var_name = "bdi_s12", sg_var_list = bdi, sg_measure_name = "bdi", identify = "sl")
print(as.data.frame(bysl[, c("id", "sg_session_n", "sg_magnitude", "sg_reversal")]))
