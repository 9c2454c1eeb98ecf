/// What the report pages receive (documented in Templates/README.md, "report").
extension PageContexts {
    func text(_ t: [String: String], _ key: String, _ fallback: String, _ values: [String: String] = [:]) -> String {
        var result = t[key] ?? fallback
        for (name, value) in values { result = result.replacingOccurrences(of: "{\(name)}", with: value) }
        return result
    }

    /// Display label of a breakdown value, a coverage measure or an action status.
    func reportLabel(_ dimension: String, _ value: String, _ language: String, _ t: [String: String]) -> String {
        switch dimension {
        case "department": return departmentName(value, language)
        case "development": return text(t, "report_\(value.replacingOccurrences(of: "-", with: "_"))", value)
        case "action_status": return valueLabel("action_status", value, language)
        default: return value.isEmpty ? text(t, "report_unknown", "Not given") : valueLabel(dimension, value, language)
        }
    }

    func reportDownloads(_ year: Int, root: String, t: [String: String]) -> TemplateValue {
        func download(_ key: String, _ fallback: String, _ path: String, _ format: String) -> TemplateValue {
            ["label": .text(text(t, key, fallback)), "url": .text(root + path), "absoluteUrl": .text(layout.absolute(path)), "format": .text(format)]
        }
        return [
            download("report_download_json", "Figures of this report (JSON)", ReportData.figuresJSON(year), "JSON"),
            download("report_download_csv", "Figures of this report (CSV)", ReportData.figuresCSV(year), "CSV"),
            download("report_download_directory", "Directory of systems by department (CSV)", ReportData.directoryCSV(year), "CSV"),
        ]
    }

    func reportsIndex(language: String) -> Page {
        let t = strings(language)
        var page = base(page: SiteLayout.reports, language: language, kind: "reports",
                        title: text(t, "reports_title", "Annual reports"), description: text(t, "reports_intro", ""), fallback: false)
        page.values["reportIndex"] = [
            "intro": .text(text(t, "reports_intro", "")),
            "reports": .list(register.reports.sorted { $0.year > $1.year }.map { narrative in
                ["year": .number(narrative.year), "title": .text(narrative.title.text(language, fallback: defaultLanguage)),
                 "url": .text(page.root + layout.path(SiteLayout.report(narrative.year), language: language)),
                 "publicationDate": .text(narrative.publicationDate)]
            }),
        ]
        return page
    }

    func report(_ narrative: ReportNarrative, figures: YearFigures, language: String) -> Page {
        let t = strings(language)
        let title = narrative.title.text(language, fallback: defaultLanguage)
        let foreword = narrative.foreword?.text(language, fallback: defaultLanguage) ?? ""
        var page = base(page: SiteLayout.report(narrative.year), language: language, kind: "report", title: title,
                        description: foreword,
                        fallback: language != defaultLanguage && (!narrative.title.has(language) || narrative.translatedBodies[language] == nil))
        let root = page.root
        let year = narrative.year
        func rows(_ items: [ReportCharts.Item]) -> TemplateValue {
            .list(items.map { ["label": .text($0.label), "count": .number($0.value)] })
        }
        var report: TemplateObject = [
            "year": .number(year), "title": .text(title), "publicationDate": .text(narrative.publicationDate), "foreword": .text(foreword),
            "bodyHtml": .text(MarkdownRenderer.html(narrative.body(language: language))),
            "hasData": .bool(figures.hasData),
            "noData": .text(text(t, "report_no_data", "The register was first published in {first}; there are no figures for {year}.",
                                 ["first": figures.firstYear.map(String.init) ?? "—", "year": String(year)])),
            "downloads": reportDownloads(year, root: root, t: t),
            "asOf": .text(text(t, "report_as_of", "Figures as of 31 December {year}.", ["year": String(year)])),
        ]
        if figures.hasData {
            report["headline"] = .list(figures.headline.map { headline -> TemplateValue in
                var change = ""
                if let delta = headline.change {
                    change = text(t, "report_change", "{change} compared with {previous} ({count} then)",
                                  ["change": delta > 0 ? "+\(delta)" : delta < 0 ? "−\(-delta)" : "±0", "previous": String(year - 1), "count": String(headline.previous ?? 0)])
                } else {
                    change = text(t, "report_no_previous", "No figure for {previous}", ["previous": String(year - 1)])
                }
                return ["label": .text(text(t, "report_headline_\(headline.key)", headline.key)), "value": .number(headline.value), "change": .text(change)]
            })
            report["breakdowns"] = .list(figures.breakdowns.map { breakdown -> TemplateValue in
                let heading = text(t, "report_breakdown_\(breakdown.key)", breakdown.key)
                let items = breakdown.counts.map { ReportCharts.Item(label: reportLabel(breakdown.key, $0.key, language, t), value: $0.count) }
                return ["id": .text("breakdown-\(breakdown.key)"), "title": .text(heading),
                        "chartHtml": .text(ReportCharts.bars(id: "chart-\(breakdown.key)", title: heading, items: items)),
                        "rows": rows(items)]
            })
            let coverageTitle = text(t, "report_coverage_chart", "Share of systems in use that meet each requirement (%)")
            let coverageItems = figures.coverage.map { ReportCharts.Item(label: text(t, "report_coverage_\($0.key)", $0.key), value: $0.percent ?? 0) }
            report["coverage"] = [
                "chartHtml": .text(ReportCharts.bars(id: "chart-coverage", title: coverageTitle, items: coverageItems)),
                "rows": .list(zip(figures.coverage, coverageItems).map { coverage, item in
                    ["label": .text(item.label), "covered": .number(coverage.covered), "of": .number(coverage.of),
                     "percent": .text(coverage.percent.map { "\($0)%" } ?? "—")]
                }),
            ]
            let departments = settings.departments.map(\.id)
            func systemLinks(_ system: String) -> TemplateObject {
                let path = layout.path(SiteLayout.system(system), language: language)
                return ["url": .text(root + path), "absoluteUrl": .text(layout.absolute(path))]
            }
            report["shortfalls"] = .list(departments.compactMap { department -> TemplateValue? in
                let own = figures.shortfalls.filter { $0.department == department }
                guard !own.isEmpty else { return nil }
                return ["department": .text(departmentName(department, language)), "systems": .list(own.map { shortfall in
                    var values = systemLinks(shortfall.system)
                    values["name"] = .text(shortfall.name)
                    values["missing"] = .text(shortfall.missing.map { text(t, "report_missing_\($0)", $0) }.joined(separator: "; "))
                    return .object(values)
                })]
            })
            let systemsByID = Dictionary(register.systems.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            report["directory"] = .list(departments.compactMap { department -> TemplateValue? in
                let own = figures.directory.filter { $0.department == department }
                guard !own.isEmpty else { return nil }
                return ["id": .text(department), "department": .text(departmentName(department, language)), "systems": .list(own.compactMap { item -> TemplateValue? in
                    guard let system = systemsByID[item.system] else { return nil }
                    let datasets = (system.fields["datasets"]?.array ?? []).map { dataset -> TemplateValue in
                        ["name": .text(dataset["name"]?.string ?? ""), "source": .text(dataset["source"]?.string ?? ""),
                         "personalData": .text(valueLabel("personal_data", dataset["personal_data"]?.string ?? "none", language))]
                    }
                    var values = systemLinks(item.system)
                    values["name"] = .text(item.name)
                    values["description"] = .text(system.value("description_short", language: language)?.string ?? item.description)
                    values["purposeHtml"] = .text(MarkdownRenderer.html(system.value("goal", language: language)?.string ?? item.purpose))
                    values["outputUseHtml"] = .text(MarkdownRenderer.html(system.value("decision_making_process", language: language)?.string ?? item.outputUse))
                    values["datasets"] = .list(datasets)
                    values["vendor"] = .text(item.vendorInvolved ? text(t, "report_vendor_named", "Yes: {vendor}", ["vendor": item.vendor ?? "—"])
                                                                : text(t, "report_vendor_none", "No, developed by the city"))
                    values["firstUsed"] = .text(item.firstUsed ?? "")
                    values["firstUsedUnknown"] = .bool(item.firstUsed == nil)
                    return .object(values)
                })]
            })
        }
        if let plan = figures.plan, let actionPlan = register.plan {
            let statusItems = plan.counts.map { ReportCharts.Item(label: reportLabel("action_status", $0.key, language, t), value: $0.count) }
            let summary = text(t, "report_plan_summary", "{n} of {m} actions initiated or completed",
                               ["n": String(plan.initiated), "m": String(plan.total)])
            func actionTitle(_ id: String) -> String {
                actionPlan.actions.first { $0.id == id }?.title.text(language, fallback: defaultLanguage) ?? id
            }
            func titled(_ ids: [String]) -> TemplateValue { .list(ids.map { ["id": .text($0), "title": .text(actionTitle($0))] }) }
            report["plan"] = [
                "summary": .text(summary),
                "previous": .text(year - 1 >= (actionPlan.actions.flatMap { $0.progress.keys }.min() ?? year)
                    ? text(t, "report_plan_previous", "{n} at the end of {previous}", ["n": String(plan.previousInitiated), "previous": String(year - 1)]) : ""),
                "chartHtml": .text(ReportCharts.stacked(id: "chart-plan", title: summary, items: statusItems)),
                "rows": rows(statusItems),
                "initiatives": .list(plan.initiatives.map { initiative -> TemplateValue in
                    let info = actionPlan.initiatives.first { $0.id == initiative.id }
                    return ["id": .text(initiative.id), "title": .text(info?.title.text(language, fallback: defaultLanguage) ?? initiative.id),
                            "summary": .text(text(t, "report_plan_summary", "{n} of {m} actions initiated or completed",
                                                  ["n": String(initiative.initiated), "m": String(initiative.total)])),
                            "actions": .list(plan.actions.filter { $0.initiative == initiative.id }.map { action -> TemplateValue in
                                ["id": .text(action.id), "title": .text(actionTitle(action.id)), "department": .text(departmentName(action.department, language)),
                                 "due": .text(action.due), "status": .text(action.status.replacingOccurrences(of: " ", with: "-")),
                                 "statusLabel": .text(reportLabel("action_status", action.status, language, t)),
                                 "note": .text(action.note?.text(language, fallback: defaultLanguage) ?? "")]
                            })]
                }),
                "completed": titled(plan.completedThisYear),
                "revised": titled(plan.timelineRevisedThisYear),
            ]
        }
        page.values["report"] = .object(report)
        return page
    }
}
