/// What the report pages receive (documented in Templates/README.md, "report").
extension PageContexts {
    func text(_ t: [String: Any], _ key: String, _ fallback: String, _ values: [String: String] = [:]) -> String {
        var result = t[key] as? String ?? fallback
        for (name, value) in values { result = result.replacingOccurrences(of: "{\(name)}", with: value) }
        return result
    }

    /// Display label of a breakdown value, a coverage measure or an action status.
    func reportLabel(_ dimension: String, _ value: String, _ language: String, _ t: [String: Any]) -> String {
        switch dimension {
        case "department": return departmentName(value, language)
        case "development": return text(t, "report_\(value.replacingOccurrences(of: "-", with: "_"))", value)
        case "action_status": return templates.valueLabel(field: "action_status", value: value, language: language, fallback: defaultLanguage)
        default: return value.isEmpty ? text(t, "report_unknown", "Not given") : templates.valueLabel(field: dimension, value: value, language: language, fallback: defaultLanguage)
        }
    }

    func reportDownloads(_ year: Int, root: String, t: [String: Any]) -> [[String: Any]] {
        [
            ["label": text(t, "report_download_json", "Figures of this report (JSON)"), "url": root + ReportData.figuresJSON(year), "absoluteUrl": layout.absolute(ReportData.figuresJSON(year)), "format": "JSON"],
            ["label": text(t, "report_download_csv", "Figures of this report (CSV)"), "url": root + ReportData.figuresCSV(year), "absoluteUrl": layout.absolute(ReportData.figuresCSV(year)), "format": "CSV"],
            ["label": text(t, "report_download_directory", "Directory of systems by department (CSV)"), "url": root + ReportData.directoryCSV(year), "absoluteUrl": layout.absolute(ReportData.directoryCSV(year)), "format": "CSV"],
        ]
    }

    func reportsIndex(language: String) -> [String: Any] {
        let t = strings(language)
        var context = base(page: SiteLayout.reports, language: language, kind: "reports",
                           title: text(t, "reports_title", "Annual reports"), description: text(t, "reports_intro", ""), fallback: false)
        let root = context["root"] as! String
        context["reportIndex"] = [
            "intro": text(t, "reports_intro", ""),
            "reports": register.reports.sorted { $0.year > $1.year }.map { narrative in
                ["year": narrative.year, "title": narrative.title.text(language, fallback: defaultLanguage),
                 "url": root + layout.path(SiteLayout.report(narrative.year), language: language),
                 "publicationDate": narrative.publicationDate] as [String: Any]
            },
        ] as [String: Any]
        return context
    }

    func report(_ narrative: ReportNarrative, figures: YearFigures, language: String) -> [String: Any] {
        let t = strings(language)
        let title = narrative.title.text(language, fallback: defaultLanguage)
        let foreword = narrative.foreword?.text(language, fallback: defaultLanguage) ?? ""
        var context = base(page: SiteLayout.report(narrative.year), language: language, kind: "report", title: title,
                           description: foreword,
                           fallback: language != defaultLanguage && (!narrative.title.has(language) || narrative.translatedBodies[language] == nil))
        let root = context["root"] as! String
        let year = narrative.year
        var report: [String: Any] = [
            "year": year, "title": title, "publicationDate": narrative.publicationDate, "foreword": foreword,
            "bodyHtml": MarkdownRenderer.html(narrative.body(language: language)),
            "hasData": figures.hasData,
            "noData": text(t, "report_no_data", "The register was first published in {first}; there are no figures for {year}.",
                           ["first": figures.firstYear.map(String.init) ?? "—", "year": String(year)]),
            "downloads": reportDownloads(year, root: root, t: t),
            "asOf": text(t, "report_as_of", "Figures as of 31 December {year}.", ["year": String(year)]),
        ]
        if figures.hasData {
            report["headline"] = figures.headline.map { headline -> [String: Any] in
                var change = ""
                if let delta = headline.change {
                    change = text(t, "report_change", "{change} compared with {previous} ({count} then)",
                                  ["change": delta > 0 ? "+\(delta)" : delta < 0 ? "−\(-delta)" : "±0", "previous": String(year - 1), "count": String(headline.previous ?? 0)])
                } else {
                    change = text(t, "report_no_previous", "No figure for {previous}", ["previous": String(year - 1)])
                }
                return ["label": text(t, "report_headline_\(headline.key)", headline.key), "value": headline.value, "change": change]
            }
            report["breakdowns"] = figures.breakdowns.map { breakdown -> [String: Any] in
                let heading = text(t, "report_breakdown_\(breakdown.key)", breakdown.key)
                let items = breakdown.counts.map { ReportCharts.Item(label: reportLabel(breakdown.key, $0.key, language, t), value: $0.count) }
                return ["id": "breakdown-\(breakdown.key)", "title": heading,
                        "chartHtml": ReportCharts.bars(id: "chart-\(breakdown.key)", title: heading, items: items),
                        "rows": items.map { ["label": $0.label, "count": $0.value] }]
            }
            let coverageTitle = text(t, "report_coverage_chart", "Share of systems in use that meet each requirement (%)")
            let coverageItems = figures.coverage.map { ReportCharts.Item(label: text(t, "report_coverage_\($0.key)", $0.key), value: $0.percent ?? 0) }
            report["coverage"] = [
                "chartHtml": ReportCharts.bars(id: "chart-coverage", title: coverageTitle, items: coverageItems),
                "rows": zip(figures.coverage, coverageItems).map { coverage, item in
                    ["label": item.label, "covered": coverage.covered, "of": coverage.of,
                     "percent": coverage.percent.map { "\($0)%" } ?? "—"] as [String: Any]
                },
            ]
            let departments = settings.departments.map(\.id)
            report["shortfalls"] = departments.compactMap { department -> [String: Any]? in
                let own = figures.shortfalls.filter { $0.department == department }
                guard !own.isEmpty else { return nil }
                return ["department": departmentName(department, language), "systems": own.map { shortfall in
                    ["name": shortfall.name, "url": root + layout.path(SiteLayout.system(shortfall.system), language: language),
                     "absoluteUrl": layout.absolute(layout.path(SiteLayout.system(shortfall.system), language: language)),
                     "missing": shortfall.missing.map { text(t, "report_missing_\($0)", $0) }.joined(separator: "; ")] as [String: Any]
                }]
            }
            report["directory"] = departments.compactMap { department -> [String: Any]? in
                let own = figures.directory.filter { $0.department == department }
                guard !own.isEmpty else { return nil }
                return ["id": department, "department": departmentName(department, language), "systems": own.compactMap { item -> [String: Any]? in
                    guard let system = register.systems.first(where: { $0.id == item.system }) else { return nil }
                    let datasets = (system.fields["datasets"]?.array ?? []).map { dataset -> [String: Any] in
                        ["name": dataset["name"]?.string ?? "", "source": dataset["source"]?.string ?? "",
                         "personalData": templates.valueLabel(field: "personal_data", value: dataset["personal_data"]?.string ?? "none", language: language, fallback: defaultLanguage)]
                    }
                    return ["name": item.name, "url": root + layout.path(SiteLayout.system(item.system), language: language),
                            "absoluteUrl": layout.absolute(layout.path(SiteLayout.system(item.system), language: language)),
                            "description": system.value("description_short", language: language)?.string ?? item.description,
                            "purposeHtml": MarkdownRenderer.html(system.value("goal", language: language)?.string ?? item.purpose),
                            "outputUseHtml": MarkdownRenderer.html(system.value("decision_making_process", language: language)?.string ?? item.outputUse),
                            "datasets": datasets,
                            "vendor": item.vendorInvolved ? text(t, "report_vendor_named", "Yes: {vendor}", ["vendor": item.vendor ?? "—"]) : text(t, "report_vendor_none", "No, developed by the city"),
                            "firstUsed": item.firstUsed ?? "", "firstUsedUnknown": item.firstUsed == nil]
                }]
            }
        }
        if let plan = figures.plan, let actionPlan = register.plan {
            let statusItems = plan.counts.map { ReportCharts.Item(label: reportLabel("action_status", $0.key, language, t), value: $0.count) }
            let summary = text(t, "report_plan_summary", "{n} of {m} actions initiated or completed",
                               ["n": String(plan.initiated), "m": String(plan.total)])
            func actionTitle(_ id: String) -> String {
                actionPlan.actions.first { $0.id == id }?.title.text(language, fallback: defaultLanguage) ?? id
            }
            report["plan"] = [
                "summary": summary,
                "previous": year - 1 >= (actionPlan.actions.flatMap { $0.progress.keys }.min() ?? year)
                    ? text(t, "report_plan_previous", "{n} at the end of {previous}", ["n": String(plan.previousInitiated), "previous": String(year - 1)]) : "",
                "chartHtml": ReportCharts.stacked(id: "chart-plan", title: summary, items: statusItems),
                "rows": statusItems.map { ["label": $0.label, "count": $0.value] },
                "initiatives": plan.initiatives.map { initiative -> [String: Any] in
                    let info = actionPlan.initiatives.first { $0.id == initiative.id }
                    return ["id": initiative.id, "title": info?.title.text(language, fallback: defaultLanguage) ?? initiative.id,
                            "summary": text(t, "report_plan_summary", "{n} of {m} actions initiated or completed",
                                            ["n": String(initiative.initiated), "m": String(initiative.total)]),
                            "actions": plan.actions.filter { $0.initiative == initiative.id }.map { action -> [String: Any] in
                                ["id": action.id, "title": actionTitle(action.id), "department": departmentName(action.department, language),
                                 "due": action.due, "status": action.status.replacingOccurrences(of: " ", with: "-"),
                                 "statusLabel": reportLabel("action_status", action.status, language, t),
                                 "note": action.note?.text(language, fallback: defaultLanguage) ?? ""]
                            }]
                },
                "completed": plan.completedThisYear.map { ["id": $0, "title": actionTitle($0)] },
                "revised": plan.timelineRevisedThisYear.map { ["id": $0, "title": actionTitle($0)] },
            ] as [String: Any]
        }
        context["report"] = report
        return context
    }
}
