import Hummingbird

/// The read API's routes, the same for every version in the catalog set: nothing per resource.
struct ReadRoutes {
    let handler: ReadHandler

    func register(on router: Router<PorticoRequestContext>) {
        let api = router.group("api")
            .add(middleware: AuthenticationMiddleware(authenticator: handler.settings.authenticator,
                                                      developmentPrincipal: handler.settings.developmentPrincipal, logger: handler.logger))
        for path in [":version/:resource", ":version/:resource/:id"] {
            let isItem = path.hasSuffix(":id")
            api.get(RouterPath(path)) { request, context in
                try await isItem ? handler.item(request, context) : handler.list(request, context)
            }
            api.head(RouterPath(path)) { request, context in
                try await isItem ? handler.item(request, context) : handler.list(request, context)
            }
            for method in [HTTPRequest.Method.post, .put, .patch, .delete] {
                api.on(RouterPath(path), method: method) { request, _ -> Response in
                    throw Problem.methodNotAllowed(request.method.rawValue)
                }
            }
        }
    }
}
