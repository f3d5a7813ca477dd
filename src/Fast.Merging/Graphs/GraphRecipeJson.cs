using System.Globalization;
using System.Text;
using System.Text.Json;
using Fast.Merging.Recipes;

namespace Fast.Merging.Graphs;

/// <summary>
/// The recipe-graph file format (docs/recipes.md): JSON, read with <see cref="JsonDocument"/> and written with
/// <see cref="Utf8JsonWriter"/> (no reflection: NativeAOT-safe). <c>inputs</c> is an array of <c>{name, path[, sha256]}</c>
/// or an object of name → path; <c>merges</c> an array of merges; <c>output</c> a name; <c>dtype</c> optional.
/// </summary>
public static class GraphRecipeJson
{
    /// <summary>The metadata key the output's recipe graph is recorded under.</summary>
    public const string MetadataKey = "fastmerge.graph";

    /// <summary>Reads a recipe file; relative input paths are taken relative to the file's folder.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The recipe.</returns>
    /// <exception cref="InvalidGraphException">Not JSON, or not a recipe graph.</exception>
    public static GraphRecipe ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text = File.ReadAllText(path);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        GraphRecipe recipe = Parse(text, path);
        return recipe with
        {
            Inputs = [.. recipe.Inputs.Select(i => i with { Path = Path.IsPathRooted(i.Path) ? i.Path : Path.GetFullPath(Path.Combine(folder, i.Path)) })],
        };
    }

    /// <summary>Parses recipe JSON.</summary>
    /// <param name="json">The text.</param>
    /// <param name="source">Where it came from, for messages.</param>
    /// <returns>The recipe (names not yet checked: see <see cref="GraphValidator"/>).</returns>
    /// <exception cref="InvalidGraphException">Not JSON, or not a recipe graph.</exception>
    public static GraphRecipe Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error(source, "the recipe must be a JSON object with inputs, merges and output");
            }

            foreach (JsonProperty p in root.EnumerateObject())
            {
                if (p.Name is not ("inputs" or "merges" or "output" or "dtype"))
                {
                    throw Error(source, $"unknown field '{p.Name}' (a recipe has inputs, merges, output, dtype)");
                }
            }

            var inputs = new List<GraphInput>();
            JsonElement inputsElement = Required(root, "inputs", source);
            if (inputsElement.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty p in inputsElement.EnumerateObject())
                {
                    inputs.Add(new GraphInput(p.Name, Text(p.Value, source, $"inputs.{p.Name}")));
                }
            }
            else if (inputsElement.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement e in inputsElement.EnumerateArray())
                {
                    inputs.Add(new GraphInput(
                        Text(Required(e, "name", source), source, "inputs[].name"),
                        Text(Required(e, "path", source), source, "inputs[].path"),
                        e.TryGetProperty("sha256", out JsonElement sha) ? Text(sha, source, "inputs[].sha256") : null));
                }
            }
            else
            {
                throw Error(source, "inputs must be an object of name -> path or an array of {name, path}");
            }

            JsonElement mergesElement = Required(root, "merges", source);
            if (mergesElement.ValueKind != JsonValueKind.Array)
            {
                throw Error(source, "merges must be an array");
            }

            var merges = mergesElement.EnumerateArray().Select(m => ParseMerge(m, source)).ToList();
            OutputDType dtype = root.TryGetProperty("dtype", out JsonElement d)
                ? (OutputDTypes.TryParse(Text(d, source, "dtype"), out OutputDType parsed) ? parsed : throw Error(source, $"unknown dtype '{d}'; use one of {string.Join(", ", OutputDTypes.Names)}"))
                : OutputDType.Keep;
            return new GraphRecipe
            {
                Inputs = inputs,
                Merges = merges,
                Output = Text(Required(root, "output", source), source, "output"),
                OutputDType = dtype,
            };
        }
        catch (JsonException ex)
        {
            throw Error(source, $"not valid JSON ({ex.Message})");
        }
    }

    /// <summary>The recipe as JSON (inputs as an array with their sha256 when known); parses back to an equal recipe.</summary>
    /// <param name="recipe">The recipe.</param>
    /// <param name="indented">Pretty-printed (for files) or compact (for metadata).</param>
    /// <returns>The JSON text.</returns>
    public static string Serialize(GraphRecipe recipe, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            w.WriteStartArray("inputs");
            foreach (GraphInput input in recipe.Inputs)
            {
                w.WriteStartObject();
                w.WriteString("name", input.Name);
                w.WriteString("path", input.Path);
                if (input.Sha256 is not null)
                {
                    w.WriteString("sha256", input.Sha256);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("merges");
            foreach (GraphMerge m in recipe.Merges)
            {
                WriteMerge(w, m);
            }

            w.WriteEndArray();
            w.WriteString("output", recipe.Output);
            w.WriteString("dtype", OutputDTypes.Name(recipe.OutputDType));
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteMerge(Utf8JsonWriter w, GraphMerge m)
    {
        w.WriteStartObject();
        w.WriteString("name", m.Name);
        w.WriteString("method", m.Method);
        w.WriteStartArray("models");
        foreach (string model in m.Models)
        {
            w.WriteStringValue(model);
        }

        w.WriteEndArray();
        if (m.Base is not null)
        {
            w.WriteString("base", m.Base);
        }

        WriteParameter(w, "t", m.T);
        WriteParameter(w, "density", m.Density);
        WriteParameter(w, "lambda", m.Lambda);
        if (m.Weights is not null)
        {
            w.WriteStartArray("weights");
            foreach (string weight in m.Weights)
            {
                WriteParameterValue(w, weight);
            }

            w.WriteEndArray();
        }

        if (m.Seed is uint seed)
        {
            w.WriteNumber("seed", seed);
        }

        if (m.Normalize is bool normalize)
        {
            w.WriteBoolean("normalize", normalize);
        }

        w.WriteEndObject();
    }

    private static void WriteParameter(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WritePropertyName(name);
            WriteParameterValue(w, value);
        }
    }

    // A number stays a JSON number with the exact text the user gave (so it parses back to the same string).
    private static void WriteParameterValue(Utf8JsonWriter w, string value)
    {
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && IsJsonNumber(value))
        {
            w.WriteRawValue(value);
        }
        else
        {
            w.WriteStringValue(value);
        }
    }

    private static bool IsJsonNumber(string value)
    {
        try
        {
            using JsonDocument d = JsonDocument.Parse(value);
            return d.RootElement.ValueKind == JsonValueKind.Number;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static GraphMerge ParseMerge(JsonElement m, string source)
    {
        if (m.ValueKind != JsonValueKind.Object)
        {
            throw Error(source, "each merge must be an object with name, method, models");
        }

        foreach (JsonProperty p in m.EnumerateObject())
        {
            if (p.Name is not ("name" or "method" or "models" or "base" or "t" or "density" or "lambda" or "weights" or "seed" or "normalize"))
            {
                throw Error(source, $"unknown merge field '{p.Name}' (fields: name, method, models, base, t, density, lambda, weights, seed, normalize)");
            }
        }

        string name = Text(Required(m, "name", source), source, "merges[].name");
        JsonElement models = Required(m, "models", source);
        if (models.ValueKind != JsonValueKind.Array)
        {
            throw Error(source, $"merge '{name}': models must be an array of names or input indexes");
        }

        return new GraphMerge
        {
            Name = name,
            Method = Text(Required(m, "method", source), source, $"merge '{name}' method"),
            Models = [.. models.EnumerateArray().Select(e => Parameter(e, source, $"merge '{name}' models"))],
            Base = m.TryGetProperty("base", out JsonElement b) ? Parameter(b, source, $"merge '{name}' base") : null,
            T = Optional(m, "t", source, name),
            Density = Optional(m, "density", source, name),
            Lambda = Optional(m, "lambda", source, name),
            Weights = m.TryGetProperty("weights", out JsonElement ws)
                ? ws.ValueKind == JsonValueKind.Array ? [.. ws.EnumerateArray().Select(e => Parameter(e, source, $"merge '{name}' weights"))] : throw Error(source, $"merge '{name}': weights must be an array")
                : null,
            Seed = m.TryGetProperty("seed", out JsonElement s)
                ? s.ValueKind == JsonValueKind.Number && s.TryGetUInt32(out uint seed) ? seed : throw Error(source, $"merge '{name}': seed must be an integer from 0 to {uint.MaxValue}")
                : null,
            Normalize = m.TryGetProperty("normalize", out JsonElement n)
                ? n.ValueKind is JsonValueKind.True or JsonValueKind.False ? n.GetBoolean() : throw Error(source, $"merge '{name}': normalize must be true or false")
                : null,
        };
    }

    private static string? Optional(JsonElement m, string field, string source, string name) =>
        m.TryGetProperty(field, out JsonElement e) ? Parameter(e, source, $"merge '{name}' {field}") : null;

    // Numbers keep their JSON text; strings are block lists, presets or names.
    private static string Parameter(JsonElement e, string source, string what) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetRawText(),
        JsonValueKind.String => e.GetString()!,
        _ => throw Error(source, $"{what} must be a number or a string"),
    };

    private static string Text(JsonElement e, string source, string what) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Error(source, $"{what} must be a string");

    private static JsonElement Required(JsonElement e, string field, string source) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(field, out JsonElement v) ? v : throw Error(source, $"missing field '{field}'");

    private static InvalidGraphException Error(string source, string message) => new($"recipe {source}: {message}");
}
