# Hageman & Arrindell's combined categories as the R package clinicalsignificance forms them: the
# reference values of Tests/RomtrackCoreTests/ClinicalSignificanceTests.swift
# (`haCategoriesAsClinicalsignificance`).
#
#   git clone https://github.com/benediktclaus/clinicalsignificance /tmp/cs   # commit 7b2f20b (3.0.0.9000)
#   Rscript Tests/Reference/scripts/clinicalsignificance_ha.R /tmp/cs
#
# It runs the package's own functions for the HA method, sourced from its R/ folder (so that the package
# need not be installed with all its imports): calc_rci.cs_ha (the HA reliable change index and its
# categories), calc_cutoff_from_data.cs_ha (the true-score cutoff and each latest score's own test,
# cs_indiv) and .calc_recovered_ha (the combined categories), with the arguments cs_combined() passes them
# (m_clinical, sd_clinical = the mean and SD of the pre scores; m_post, sd_post of the post scores;
# critical value qnorm(0.95)), on Jacobson & Truax's couples (GDS, lower is better, reliability 0.80,
# functional norm M 30, SD 10), complete pre/post pairs, cutoffs a and c.
# Ran with R 4.2.2 and dplyr 1.0.10 (Debian 12).
suppressMessages(library(dplyr))
args <- commandArgs(trailingOnly = TRUE)
package <- if (length(args) > 0) args[[1]] else "/tmp/cs"
for (f in c("package-utils.R", "calc_rci.R", "calc_cutoff.R", "calc_recovered.R")) {
  source(file.path(package, "R", f))
}
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(), value = TRUE)))
long <- read.csv(file.path(here, "..", "jacobson-truax", "cs_jacobson_1989.csv"))
wide <- data.frame(
  id = unique(long$client_id),
  pre = long$gds[long$time == "pre"][match(unique(long$client_id), long$client_id[long$time == "pre"])],
  post = long$gds[long$time == "post"][match(unique(long$client_id), long$client_id[long$time == "post"])]
)
data <- wide[complete.cases(wide), ]
datasets <- list(data = tibble::as_tibble(data))
m_pre <- mean(data$pre); sd_pre <- sd(data$pre); m_post <- mean(data$post); sd_post <- sd(data$post)
critical <- qnorm(0.95)
rci <- calc_rci.cs_ha(datasets, m_pre = m_pre, sd_pre = sd_pre, m_post = m_post, sd_post = sd_post,
                      reliability = 0.80, direction = -1, critical_value = critical)
for (type in c("a", "c")) {
  cut <- calc_cutoff_from_data.cs_ha(datasets, m_clinical = m_pre, sd_clinical = sd_pre, m_functional = 30,
                                     sd_functional = 10, m_post = m_post, sd_post = sd_post, reliability = 0.80,
                                     type = type, direction = -1, critical_value = critical)
  combined <- .calc_recovered_ha(data, cut$data, rci$data)
  category <- ifelse(combined$recovered, "recovered", ifelse(combined$improved, "improved",
              ifelse(combined$deteriorated, "deteriorated", ifelse(combined$harmed, "harmed", "unchanged"))))
  cat(sprintf("cutoff %s = %.6f\n", type, cut$info$value))
  cat("ids:", combined$id, "\n")
  cat("rci:", sprintf("%.4f", combined$rci), "\n")
  cat("cs_indiv:", sprintf("%.4f", combined$cs_indiv), "\n")
  cat("category:", category, "\n")
  print(table(factor(category, levels = c("recovered", "improved", "unchanged", "deteriorated", "harmed"))))
}
