import Hummingbird

/// The read API's routes, the same for every version in the catalog set: nothing per resource.
struct ReadRoutes<Executor: ReadExecutor> {
    typealias Middleware = any MiddlewareProtocol<Request, Response, PorticoRequestContext>
    let handler: ReadHandler<Executor>
    /// Forwards the paths of proxied routes (``ProxyRoute``), which share these patterns.
    let gateway: Gateway
    /// Every method but GET and HEAD is a 405 with `Allow`, not a 404: the path exists.
    static var refused: [HTTPRequest.Method] { [.post, .put, .patch, .delete, .options, .trace, .init("CONNECT")!] }
    /// The read paths under `/api`: a list, an item, an item's sub-resource list.
    static var shapes: [(path: String, isItem: Bool)] {
        [(":version/:resource", false), (":version/:resource/:id", true), (":version/:resource/:id/:sub", false)]
    }
    /// The one route under `/api/{version}` with a constant segment (registered when limits are).
    static var usageSegment: String { "usage" }

    /// The gateway's answer when the path is a proxied route's, else nil.
    func forwarded(_ request: Request, _ context: PorticoRequestContext) async throws -> Response? {
        guard let route = context.route, let proxy = route.proxy else { return nil }
        return try await gateway.forward(
            proxy, request, context, version: route.version, query: try handler.parameters(request),
            notFound: Problem.notFound(context.publicPath ?? request.uri.path))
    }

    /// What a GET or HEAD of a read path runs after the middleware.
    func read(isItem: Bool) -> @Sendable (Request, PorticoRequestContext) async throws -> Response {
        { [self] request, context in
            if let proxied = try await forwarded(request, context) { return proxied }
            return try await isItem ? handler.item(request, context) : handler.list(request, context)
        }
    }

    /// The `/api` group's middleware, in order: the route first, then what reads it.
    var middleware: [Middleware] {
        let settings = handler.settings
        var list: [Middleware] = [
            RouteResolutionMiddleware(catalogs: settings.catalogStore), CompressionMiddleware(),
            VersionHeadersMiddleware(),
            AuthenticationMiddleware(
                authenticator: settings.authenticator, developmentPrincipal: settings.developmentPrincipal,
                limits: settings.limits, logger: handler.logger),
        ]
        if let limits = settings.limits { list.append(LimitMiddleware(limits: limits)) }
        return list
    }

    /// Registers the contract and the `/api` routes on `router`, whose own middleware is `outer`,
    /// and returns the read paths' chains for ``ReadPathResponder``: the same middleware
    /// (`outer`, then the group's) and the same handlers as the routes.
    func register(on router: Router<PorticoRequestContext>, outer: [Middleware]) -> ReadChains {
        let settings = handler.settings
        // Registered first and outside the authenticated group: the contract is public.
        ContractRoutes(catalogs: settings.catalogStore).register(on: router)
        let middleware = middleware
        let api = router.group("api")
        for stage in middleware { api.add(middleware: stage) }
        if let limits = settings.limits {
            // Registered before the resource routes; a constant segment wins over `:resource`.
            api.get("/:version/\(Self.usageSegment)") { _, context in try UsageEndpoint(limits: limits).response(context) }
            for method in Self.refused {
                api.on("/:version/\(Self.usageSegment)", method: method) { request, _ -> Response in
                    throw Problem.methodNotAllowed(request.method.rawValue)
                }
            }
        }
        let chains = Router(context: PorticoRequestContext.self)
        for stage in outer + middleware { chains.add(middleware: stage) }
        var built: [ReadChains.Chain] = []
        for (path, isItem) in Self.shapes {
            api.get(RouterPath(path), use: read(isItem: isItem))
            api.head(RouterPath(path), use: read(isItem: isItem))
            for method in Self.refused {
                api.on(RouterPath(path), method: method) { request, context -> Response in
                    if let proxied = try await forwarded(request, context) { return proxied }
                    throw Problem.methodNotAllowed(request.method.rawValue)
                }
            }
            let responder = chains.middlewares.constructResponder(finalResponder: CallbackResponder(callback: read(isItem: isItem)))
            built.append(.init(label: RouterPath("/api/" + path).description, responder: responder))
        }
        let reserved = [Self.usageSegment] + ContractRoutes.documents.map { "openapi.\($0.suffix)" }
        return ReadChains(list: built[0], item: built[1], sub: built[2], reserved: reserved.map { $0[...] })
    }
}
