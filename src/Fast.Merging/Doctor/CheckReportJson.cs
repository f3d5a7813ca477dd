using System.Text.Json;
using Fast.Merging.Architectures;
using Fast.Merging.PositionIds;

namespace Fast.Merging.Doctor;

/// <summary>
/// Writes a <see cref="CheckReport"/> in the stable JSON schema of <c>fastmerge check --json</c>
/// (<c>"schema": "fastmerge.check/1"</c>): fields are only ever added, never renamed or removed.
/// </summary>
public static class CheckReportJson
{
    /// <summary>The schema identifier written first in every report.</summary>
    public const string Schema = "fastmerge.check/1";

    /// <summary>Writes <paramref name="report"/> as one JSON object.</summary>
    public static void Write(Utf8JsonWriter w, CheckReport report)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(report);
        w.WriteStartObject();
        w.WriteString("schema", Schema);
        w.WriteString("path", report.Path);
        w.WriteNumber("file_bytes", report.FileBytes);
        w.WriteNumber("tensor_count", report.TensorCount);
        w.WriteBoolean("healthy", report.IsHealthy);

        ArchitectureRecognition r = report.Recognition;
        w.WriteStartObject("architecture");
        w.WriteString("id", ToSnakeCase(r.Id.ToString()));
        w.WriteString("name", r.Architecture?.Name ?? "unknown");
        w.WriteNumber("scale", r.Scale);
        w.WriteBoolean("ema", r.HasEma);
        w.WriteEndObject();

        WriteHashes(w, report);

        w.WriteStartArray("components");
        foreach (ComponentReport c in report.Components)
        {
            WriteComponent(w, c);
        }

        w.WriteEndArray();

        w.WriteStartArray("position_ids");
        foreach (PositionIdsEntry p in report.PositionIds)
        {
            WritePositionIds(w, p.Key, p.Report);
        }

        w.WriteEndArray();

        w.WriteStartArray("model_type_markers");
        foreach (string key in r.ModelTypeKeys)
        {
            w.WriteStartObject();
            w.WriteString("key", key);
            w.WriteString("meaning", KnownKeys.ModelTypeMarkers[key]);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteSizedGroup(w, "junk", report.Junk);
        WriteSizedGroup(w, "ema", report.Ema);
        w.WriteNumber("scheduler_keys", r.SchedulerKeys.Count);

        w.WriteStartObject("float64");
        w.WriteNumber("bytes", report.Fp64Tensors.Sum(t => t.Bytes));
        w.WriteNumber("fp16_savings_bytes", report.Fp64SavingsAsFp16);
        WriteSizedArray(w, "tensors", report.Fp64Tensors);
        w.WriteEndObject();

        w.WriteStartArray("non_finite");
        foreach (NonFiniteTensor n in report.NonFinite)
        {
            w.WriteStartObject();
            w.WriteString("key", n.Key);
            w.WriteString("dtype", n.DType);
            w.WriteNumber("nan", n.Count.NaN);
            w.WriteNumber("inf", n.Count.Inf);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("problems");
        foreach (CheckProblem p in report.Problems)
        {
            w.WriteStartObject();
            w.WriteString("kind", ToSnakeCase(p.Kind.ToString()));
            w.WriteString("message", p.Message);
            if (p.Fix is null)
            {
                w.WriteNull("fix");
            }
            else
            {
                w.WriteString("fix", p.Fix);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The position-ids object of the schema: <c>{"key", "dtype", "shape", "exact_integers", "corrupt", "missing", "drifting", "clean"}</c>.</summary>
    public static void WritePositionIds(Utf8JsonWriter w, string key, PositionIdsReport report)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(report);
        w.WriteStartObject();
        w.WriteString("key", key);
        w.WriteString("dtype", report.DType);
        WriteNumbers(w, "shape", report.Shape);
        w.WriteBoolean("exact_integers", report.AllExactIntegers);
        WriteNumbers(w, "corrupt", report.CorruptIndexes.Select(i => (long)i));
        WriteNumbers(w, "missing", report.MissingTokens.Select(i => (long)i));
        WriteNumbers(w, "drifting", report.DriftingIndexes.Select(i => (long)i));
        w.WriteBoolean("clean", report.IsClean && report.DriftingIndexes.Count == 0);
        w.WriteEndObject();
    }

    /// <summary>The hashes object: <c>{"sha256", "autov2", "legacy", "components": {label: hash}}</c>.</summary>
    public static void WriteHashes(Utf8JsonWriter w, CheckReport report)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(report);
        w.WriteStartObject("hashes");
        w.WriteString("sha256", report.Hashes.Sha256);
        w.WriteString("autov2", report.Hashes.AutoV2);
        w.WriteString("legacy", report.Hashes.LegacyHash);
        w.WriteStartObject("components");
        foreach (ComponentReport c in report.Components.Where(c => c.ContentHash is not null))
        {
            w.WriteString(c.Label, c.ContentHash);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary><c>UnknownArchitecture</c> → <c>unknown_architecture</c>.</summary>
    internal static string ToSnakeCase(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    private static void WriteComponent(Utf8JsonWriter w, ComponentReport c)
    {
        ComponentMatch m = c.Component.Match;
        w.WriteStartObject();
        w.WriteString("label", c.Label);
        w.WriteString("role", ToSnakeCase(c.Component.Role.ToString()));
        w.WriteString("key_list", m.ComponentName);
        w.WriteString("prefix", m.Prefix);
        w.WriteString("standard_prefix", m.Placement.Prefix);
        w.WriteNumber("found", m.FoundCount);
        w.WriteNumber("expected", m.ExpectedCount);
        w.WriteBoolean("complete", m.IsComplete);
        w.WriteNumber("parameters", c.Parameters);
        w.WriteNumber("bytes", c.Bytes);
        w.WriteStartObject("dtypes");
        foreach (var (dtype, count) in c.DTypes)
        {
            w.WriteNumber(dtype, count);
        }

        w.WriteEndObject();
        if (c.ContentHash is null)
        {
            w.WriteNull("content_hash");
        }
        else
        {
            w.WriteString("content_hash", c.ContentHash);
        }

        w.WriteStartArray("missing_keys");
        foreach (string key in m.MissingKeys)
        {
            w.WriteStringValue(key);
        }

        w.WriteEndArray();
        w.WriteStartArray("shape_mismatches");
        foreach (ShapeMismatch s in m.ShapeMismatches)
        {
            w.WriteStartObject();
            w.WriteString("key", s.Key);
            WriteNumbers(w, "expected", s.Expected);
            WriteNumbers(w, "actual", s.Actual);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteSizedGroup(Utf8JsonWriter w, string name, IReadOnlyList<SizedTensor> tensors)
    {
        w.WriteStartObject(name);
        w.WriteNumber("count", tensors.Count);
        w.WriteNumber("bytes", tensors.Sum(t => t.Bytes));
        WriteSizedArray(w, "keys", tensors);
        w.WriteEndObject();
    }

    private static void WriteSizedArray(Utf8JsonWriter w, string name, IReadOnlyList<SizedTensor> tensors)
    {
        w.WriteStartArray(name);
        foreach (SizedTensor t in tensors)
        {
            w.WriteStartObject();
            w.WriteString("key", t.Key);
            w.WriteString("dtype", t.DType);
            w.WriteNumber("bytes", t.Bytes);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteNumbers(Utf8JsonWriter w, string name, IEnumerable<long> values)
    {
        w.WriteStartArray(name);
        foreach (long v in values)
        {
            w.WriteNumberValue(v);
        }

        w.WriteEndArray();
    }
}
