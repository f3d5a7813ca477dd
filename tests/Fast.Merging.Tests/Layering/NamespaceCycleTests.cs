using System.Text.RegularExpressions;

namespace Fast.Merging.Tests.Layering;

/// <summary>
/// The library's namespaces form layers: no namespace depends, directly or through others, on one that depends on it
/// (issue 13: Api⇄Execution, Planning⇄Execution, Planning⇄PositionIds and Recipes⇄Methods were such cycles). A
/// dependency is a <c>using Fast.Merging.X;</c>, a reference qualified by a sibling namespace (<c>Execution.Operands</c>),
/// or, from any namespace to the root <c>Fast.Merging</c>, a use of one of the root's types (visible without a using).
/// Read from the sources, so the test names the file behind each edge of a cycle.
/// </summary>
public sealed partial class NamespaceCycleTests
{
    private const string Root = "(root)";

    [Fact]
    public void Namespaces_of_the_library_have_no_cycles()
    {
        Dictionary<(string From, string To), List<string>> edges = Dependencies(SourceFolder());
        Assert.True(edges.Count > 20, "the scan found almost no dependencies: the source folder or the patterns are wrong");

        List<List<string>> cycles = StronglyConnected(edges.Keys);
        string Describe(List<string> cycle) =>
            string.Join(", ", cycle) + ": " + string.Join("; ", edges.Where(e => cycle.Contains(e.Key.From) && cycle.Contains(e.Key.To))
                .Select(e => $"{e.Key.From} -> {e.Key.To} ({string.Join(", ", e.Value.Take(3))})"));
        Assert.True(cycles.Count == 0, "namespace cycles: " + string.Join(" | ", cycles.Select(Describe)));
    }

    [Fact]
    public void The_scan_sees_a_cycle_when_there_is_one()
    {
        // The detector itself: two namespaces that name each other are one strongly connected component.
        Assert.Equal([["Api", "Execution"]], StronglyConnected([("Api", "Execution"), ("Execution", "Api"), ("Api", "Recipes")]));
        Assert.Empty(StronglyConnected([("Api", "Execution"), ("Execution", "Planning"), ("Api", "Planning")]));
    }

    private static string SourceFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "src", "Fast.Merging");
            if (File.Exists(Path.Combine(dir.FullName, "Fast.sln")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("no src/Fast.Merging above " + AppContext.BaseDirectory);
    }

    /// <summary>First level below Fast.Merging (<c>Execution</c> for <c>Fast.Merging.Execution.Calcmodes</c>), or the root.</summary>
    private static string Layer(string ns)
    {
        string[] parts = ns.Split('.');
        return parts.Length > 2 ? parts[2] : Root;
    }

    private static Dictionary<(string, string), List<string>> Dependencies(string folder)
    {
        var files = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Select(f => (Path: Path.GetRelativePath(folder, f), Text: File.ReadAllText(f)))
            .Select(f => (f.Path, f.Text, Namespace: NamespaceDeclaration().Match(f.Text)))
            .Where(f => f.Namespace.Success)
            .Select(f => (f.Path, Code: Comments().Replace(f.Text, ""), Layer: Layer(f.Namespace.Groups[1].Value)))
            .ToList();
        var layers = files.Select(f => f.Layer).Where(l => l != Root).ToHashSet();
        var rootTypes = files.Where(f => f.Layer == Root).SelectMany(f => TypeDeclaration().Matches(f.Code).Select(m => m.Groups[1].Value)).ToHashSet();

        var edges = new Dictionary<(string, string), List<string>>();
        foreach (var (path, code, layer) in files)
        {
            var targets = UsingDirective().Matches(code).Select(m => Layer(m.Groups[1].Value)).ToHashSet();
            string body = UsingDirective().Replace(code, "");
            targets.UnionWith(layers.Where(l => Regex.IsMatch(body, $@"(?<![\w.]){l}\.[A-Z]")));
            if (rootTypes.Any(t => Regex.IsMatch(body, $@"(?<![\w.]){t}\b")))
            {
                targets.Add(Root);
            }

            foreach (string target in targets.Where(t => t != layer))
            {
                (edges.TryGetValue((layer, target), out var list) ? list : edges[(layer, target)] = []).Add(path);
            }
        }

        return edges;
    }

    /// <summary>Tarjan's strongly connected components of more than one namespace, each sorted.</summary>
    private static List<List<string>> StronglyConnected(IEnumerable<(string From, string To)> edges)
    {
        var graph = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList());
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var components = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            foreach (string w in graph.GetValueOrDefault(v, []))
            {
                if (!index.TryGetValue(w, out int seen))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (stack.Contains(w))
                {
                    low[v] = Math.Min(low[v], seen);
                }
            }

            if (low[v] == index[v])
            {
                var component = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    component.Add(w);
                }
                while (w != v);
                if (component.Count > 1)
                {
                    components.Add([.. component.Order(StringComparer.Ordinal)]);
                }
            }
        }

        foreach (string v in graph.Keys.ToList())
        {
            if (!index.ContainsKey(v))
            {
                Visit(v);
            }
        }

        return components;
    }

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^using (Fast\.Merging(?:\.[\w.]+)?);", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"^\s*(?:\[[^\]]*\]\s*)*(?:(?:public|internal|sealed|static|abstract|partial|readonly)\s+)*(?:class|struct|record(?:\s+struct|\s+class)?|interface|enum)\s+(\w+)", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"//.*$", RegexOptions.Multiline)]
    private static partial Regex Comments();
}
