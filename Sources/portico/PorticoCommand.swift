import ArgumentParser

/// `portico`: the partner API facade's one binary.
@main
struct PorticoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portico",
        abstract: "A versioned, documented partner REST API over a product's MySQL database.",
        subcommands: [
            ServeCommand.self, ConfigCommand.self, ReloadCommand.self, FleetCommand.self, CheckCommand.self, OpenAPICommand.self, ContractCommand.self,
            ScaffoldCommand.self, MigrateCommand.self, PartnerCommand.self, KeyCommand.self, ClientCommand.self, SigningKeyCommand.self,
            GrantCommand.self, PlanCommand.self, UsageCommand.self,
        ]
    )
}
