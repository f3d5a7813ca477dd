using System.Text.Json;
using Fast.Merging.Recipes;

namespace Fast.Cli.Commands;

/// <summary><c>fastmerge inspect FILE --lineage [--json]</c>: the merge history recorded in a model, as a tree.</summary>
internal static class LineageOutput
{
    public static void WriteText(TextWriter o, LineageNode root)
    {
        o.WriteLine(root.Recipe is null ? $"{root.Name}: no merge recorded" : $"{root.Name}  [{root.Recipe}]");
        for (int i = 0; i < root.Parents.Count; i++)
        {
            WriteNode(o, root.Parents[i], string.Empty, i == root.Parents.Count - 1);
        }

        o.WriteLine($"lineage depth {root.Depth}");
    }

    public static void WriteJson(Utf8JsonWriter w, LineageNode root)
    {
        w.WriteStartObject();
        w.WriteNumber("depth", root.Depth);
        w.WritePropertyName("tree");
        WriteJsonNode(w, root);
        w.WriteEndObject();
    }

    private static void WriteNode(TextWriter o, LineageNode node, string indent, bool last)
    {
        string sha = node.Sha256 is { Length: >= 10 } s ? $"  sha256 {s[..10]}" : string.Empty;
        string recipe = node.Recipe is null ? string.Empty : $"  [{node.Recipe}]";
        o.WriteLine($"{indent}{(last ? "└─" : "├─")} {node.Role}: {node.Name}{sha}{recipe}");
        for (int i = 0; i < node.Parents.Count; i++)
        {
            WriteNode(o, node.Parents[i], indent + (last ? "   " : "│  "), i == node.Parents.Count - 1);
        }
    }

    private static void WriteJsonNode(Utf8JsonWriter w, LineageNode node)
    {
        w.WriteStartObject();
        if (node.Role.Length > 0)
        {
            w.WriteString("role", node.Role);
        }

        w.WriteString("name", node.Name);
        if (node.Sha256 is not null)
        {
            w.WriteString("sha256", node.Sha256);
        }

        if (node.Recipe is not null)
        {
            w.WriteString("recipe", node.Recipe);
        }

        w.WriteStartArray("parents");
        foreach (LineageNode parent in node.Parents)
        {
            WriteJsonNode(w, parent);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
