/// The dotted names a resource's CSV columns have (`total.amount`, `customer.name`), and the
/// check that every profile column naming a field names one of them.
struct CSVColumns {
    let resources: [String: Resource]

    /// Every name a column can have: the id, values, references and constants, the members of
    /// objects and of to-one embeds; an expandable embed under its own name too (its id, when
    /// not expanded). Fields only single reads show (`only: item`) have none: CSV is for lists.
    func names(_ resource: Resource) -> [String] {
        (resource.id.map { [$0.member] } ?? []) + names(resource.fields, prefix: "", depth: 0)
    }

    private func names(_ fields: [Field], prefix: String, depth: Int) -> [String] {
        fields.flatMap { field -> [String] in
            guard field.only != .item else { return [] }
            let name = prefix + field.name
            switch field.kind {
            case .value, .constant: return [name]
            case .object(let children): return names(children, prefix: name + ".", depth: depth)
            case .embed(let embed):
                guard !embed.many, depth == 0, let target = resources[embed.target] else { return [] }
                let selected = embed.fields.map(Set.init)
                var members: [String] = []
                if let id = target.id, selected?.contains(id.member) ?? true { members.append(name + "." + id.member) }
                let chosen = target.fields.filter { selected?.contains($0.name) ?? true }
                members += self.names(chosen, prefix: name + ".", depth: depth + 1)
                return (embed.expandable ? [name] : []) + members
            }
        }
    }

    func check(_ resource: Resource, into diagnostics: inout DiagnosticCollector) {
        if !resource.csv.profiles.isEmpty, let filter = resource.filterParameters[ParameterNames.standard.profile] {
            diagnostics.error(
                "filter '\(filter.filter)' answers to 'profile', which chooses a CSV profile of '\(resource.name)'; name the filter otherwise",
                at: resource.location(of: "filters"))
        }
        let available = names(resource)
        for profile in resource.csv.profiles {
            guard let columns = profile.columns else { continue }
            var headers: Set<String> = []
            for column in columns {
                if !headers.insert(column.header).inserted {
                    diagnostics.warning("CSV profile '\(profile.name)' has two columns headed '\(column.header)'", at: column.location)
                }
                guard case .field(let name) = column.source, !available.contains(name) else { continue }
                diagnostics.error(
                    "CSV profile '\(profile.name)' shows field '\(name)', which the CSV of '\(resource.name)' has no column for"
                        + Suggestion.hint(for: name, among: available), at: column.location)
            }
        }
    }
}
