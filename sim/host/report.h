// Report writers of the XAI flow: CSV tables, the assignment YAML, Markdown and plots. Pure
// functions of the results (xai_gen.h), so the CLI and the demo write the same files.
#pragma once

#include <string>
#include <vector>

#include "common/plot.h"
#include "xai_gen.h"

namespace axpod::host {

/// rank,layer,score, most important first.
std::string ranking_csv(const std::vector<LayerScore>& scores);
/// Bars of the scores in network order.
plot::Figure ranking_plot(const std::vector<LayerScore>& scores, const std::string& title);
/// An assignment as axpod's assignment YAML (accel::load_assignment reads it back).
std::string assignment_yaml(const Assignment& a, const std::string& exact,
                            const std::string& comment);
/// One Markdown table row per method.
std::string results_table(const GenReport& r);
/// budget_pct,method,energy_pj,...: one row per method.
std::string results_csv(const GenReport& r);
/// energy_pj,mult_energy_pj,val_accuracy,assignment: the Pareto front.
std::string pareto_csv(const std::vector<Evaluation>& front);
/// Validation accuracy against energy per inference: one front per method (XAI-Gen, each
/// baseline, XAI-Gen after fine-tuning) and the budget line; x is the multipliers' energy when
/// `multipliers`, else the total.
plot::Figure pareto_plot(const GenReport& r, const std::string& title, bool multipliers);
/// The cycle-level confirmation in one sentence.
std::string confirmation_text(const Confirmation& c, const std::string& accelerator);
/// The report.md of `axpod gen`.
std::string gen_markdown(const GenReport& r, const std::string& network,
                         const std::string& accelerator);

}  // namespace axpod::host
