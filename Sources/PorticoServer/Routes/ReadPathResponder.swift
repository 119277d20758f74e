import Hummingbird

/// Sends a GET or HEAD of a read path (``ReadPath``) straight to its responder chain, the same
/// middleware and handler the router would run, without Hummingbird's route trie: for a point
/// read the trie's matching (a Character-by-Character split, backtracking across the parameter
/// nodes, a hashed parameter dictionary) cost more than the rest of the routing (bench/results/).
/// Every other request, and a read path whose resource segment another route owns (`usage`, the
/// contract documents), goes to the router as before.
struct ReadPathResponder<Router: HTTPResponder>: HTTPResponder where Router.Context == PorticoRequestContext {
    typealias Context = PorticoRequestContext
    let router: Router
    let reads: ReadChains

    func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .get || request.method == .head, let target = request.head.path, let path = ReadPath(target: target),
            let resource = path.resource, !reads.reserved.contains(resource)
        else {
            return try await router.respond(to: request, context: context)
        }
        let chain = path.sub != nil ? reads.sub : path.id != nil ? reads.item : reads.list
        var context = context
        context.readPath = path
        context.coreContext.endpointPath.value = chain.label
        do {
            return try await chain.responder.respond(to: request, context: context)
        } catch let error as any HTTPResponseError {
            // What Hummingbird's router does with an error no middleware answered.
            return try error.response(from: request, context: context)
        }
    }
}

/// The responder chains of the three read path shapes, built from the same middleware and
/// handlers as their routes (``ReadRoutes``), and the resource segments other routes own.
struct ReadChains: Sendable {
    struct Chain: Sendable {
        /// The route label, as the router spells it (`/api/{version}/{resource}/{id}`).
        let label: String
        let responder: any HTTPResponder<PorticoRequestContext>
    }
    let list: Chain
    let item: Chain
    let sub: Chain
    /// Few enough to compare one by one (hashing the segment would cost more).
    let reserved: [Substring]
}
