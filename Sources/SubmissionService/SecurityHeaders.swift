import HTTPTypes
import Hummingbird
import Logging

/// The security headers every answer of the service carries: the API's, the portal's, and
/// the router's own (a path no route knows, a method a route does not take, an error a
/// route throws). A route that sets one (the portal's pages, with their stylesheet) keeps its
/// own value. Registered first on the router, so it wraps every route and the not-found answer.
public struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    /// Nothing may load, frame or refer: the answers that are not the portal's pages are JSON,
    /// YAML, files and errors, which never need to.
    public static var defaults: [(HTTPField.Name, String)] {
        [(.contentSecurityPolicy, "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
         (.xContentTypeOptions, "nosniff"),
         (HTTPField.Name("X-Frame-Options")!, "DENY"),
         (HTTPField.Name("Referrer-Policy")!, "no-referrer")]
    }

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            context.logger.error("request failed: \(String(describing: error))")
            response = Response(status: .internalServerError)
        }
        for (name, value) in Self.defaults where response.headers[name] == nil { response.headers[name] = value }
        return response
    }
}
