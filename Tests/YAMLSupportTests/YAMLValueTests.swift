import Testing
@testable import YAMLSupport

@Suite struct YAMLValueTests {
    @Test func reportsUnknownKeysWithLocationAndSuggestion() throws {
        let sink = IssueSink()
        let root = try YAMLValue.parse("""
            name: core
            targets:
              - host: 10.0.0.1
                comunity: public
            """, file: "c.yaml", sink: sink)
        let obj = try #require(root.object(allowing: ["name", "targets"]))
        let t = try #require(obj["targets"]?.array())
        _ = t[0].object(allowing: ["host", "community"])
        #expect(sink.issues.count == 1)
        let issue = try #require(sink.issues.first)
        #expect(issue.description.hasPrefix("c.yaml:4:5: targets[0].comunity: unknown key \"comunity\" (did you mean \"community\"?)"))
    }

    @Test func collectsEveryProblemInOnePass() throws {
        let sink = IssueSink()
        let root = try YAMLValue.parse("""
            a: notanumber
            b: [1, 2]
            c: maybe
            """, file: "x.yaml", sink: sink)
        let obj = try #require(root.object(allowing: ["a", "b", "c", "d"]))
        _ = obj["a"]?.int()
        _ = obj["b"]?.string()
        _ = obj["c"]?.bool()
        _ = obj.required("d")
        #expect(sink.issues.map(\.line) == [1, 2, 3, 1])
        #expect(throws: ConfigIssues.self) { try sink.throwIfAny() }
    }

    @Test func syntaxErrorsCarryLineAndColumn() {
        do {
            _ = try YAMLValue.parse("a: [1, 2\nb: 3\n", file: "bad.yaml", sink: IssueSink())
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.issues.count == 1)
            #expect(error.description.hasPrefix("bad.yaml:"))
            #expect(error.description.contains("YAML syntax error"))
        }
    }

    @Test func duplicateKeysAreReportedWhereTheyRepeat() {
        do {
            _ = try YAMLValue.parse("x: 0\nm:\n  a: 1\n  b: 2\n  a: 3\n", file: "d.yaml", sink: IssueSink())
            Issue.record("expected a duplicate-key error")
        } catch {
            #expect(error.description == "d.yaml:5:3: duplicate key \"a\"")
        }
    }
}
