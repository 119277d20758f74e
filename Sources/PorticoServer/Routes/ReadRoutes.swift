import Hummingbird

/// The read API's routes, the same for every version in the catalog set: nothing per resource.
struct ReadRoutes<Executor: ReadExecutor> {
    let handler: ReadHandler<Executor>
    /// Forwards the paths of proxied routes (``ProxyRoute``), which share these patterns.
    let gateway: Gateway
    /// Every method but GET and HEAD is a 405 with `Allow`, not a 404: the path exists.
    static var refused: [HTTPRequest.Method] { [.post, .put, .patch, .delete, .options, .trace, .init("CONNECT")!] }

    /// The gateway's answer when the path is a proxied route's, else nil.
    func forwarded(_ request: Request, _ context: PorticoRequestContext) async throws -> Response? {
        guard let route = context.route, let proxy = route.proxy else { return nil }
        return try await gateway.forward(
            proxy, request, context, version: route.version, query: try handler.parameters(request),
            notFound: Problem.notFound(context.publicPath ?? request.uri.path))
    }

    func register(on router: Router<PorticoRequestContext>) {
        let settings = handler.settings
        // Registered first and outside the authenticated group: the contract is public.
        ContractRoutes(catalogs: settings.catalogStore).register(on: router)
        let api = router.group("api")
            .add(middleware: RouteResolutionMiddleware(catalogs: settings.catalogStore))
            .add(middleware: CompressionMiddleware())
            .add(middleware: VersionHeadersMiddleware(catalogs: settings.catalogStore))
            .add(
                middleware: AuthenticationMiddleware(
                    authenticator: settings.authenticator, developmentPrincipal: settings.developmentPrincipal,
                    limits: settings.limits, logger: handler.logger))
        if let limits = settings.limits {
            api.add(middleware: LimitMiddleware(limits: limits))
            // Registered before the resource routes; a constant segment wins over `:resource`.
            api.get("/:version/usage") { _, context in try UsageEndpoint(limits: limits).response(context) }
            for method in Self.refused {
                api.on("/:version/usage", method: method) { request, _ -> Response in throw Problem.methodNotAllowed(request.method.rawValue) }
            }
        }
        for path in [":version/:resource", ":version/:resource/:id", ":version/:resource/:id/:sub"] {
            let isItem = path.hasSuffix(":id")
            api.get(RouterPath(path)) { request, context in
                if let proxied = try await forwarded(request, context) { return proxied }
                return try await isItem ? handler.item(request, context) : handler.list(request, context)
            }
            api.head(RouterPath(path)) { request, context in
                if let proxied = try await forwarded(request, context) { return proxied }
                return try await isItem ? handler.item(request, context) : handler.list(request, context)
            }
            for method in Self.refused {
                api.on(RouterPath(path), method: method) { request, context -> Response in
                    if let proxied = try await forwarded(request, context) { return proxied }
                    throw Problem.methodNotAllowed(request.method.rawValue)
                }
            }
        }
    }
}
