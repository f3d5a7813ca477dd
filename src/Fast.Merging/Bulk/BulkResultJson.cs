using System.Text;
using System.Text.Json;

namespace Fast.Merging.Bulk;

/// <summary>
/// The machine-readable summary of a bulk run, shared by <c>fastmerge bulk --json</c> and the C ABI's
/// <c>fm_bulk_run_json</c>: <c>{"sink", "waves", "bytes", "seconds", "done", "skipped", "failed",
/// "variants": [{"index", "line"?, "out", "status", "sha256", "error", "warnings"?}]}</c> ("warnings" only when a
/// variant has some: an input whose sha256 is not the one its recipe records).
/// </summary>
public static class BulkResultJson
{
    /// <summary>Writes <paramref name="result"/> of a run into <paramref name="sink"/> as one compact JSON object.</summary>
    public static string Serialize(BulkResult result, BulkSinkKind sink)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("sink", SinkName(sink));
            w.WriteNumber("waves", result.Waves);
            w.WriteNumber("bytes", result.BytesProduced);
            w.WriteNumber("seconds", Math.Round(result.Elapsed.TotalSeconds, 3));
            w.WriteNumber("done", Count(result, BulkVariantStatus.Done));
            w.WriteNumber("skipped", Count(result, BulkVariantStatus.Skipped));
            w.WriteNumber("failed", Count(result, BulkVariantStatus.Failed));
            w.WriteStartArray("variants");
            foreach (BulkVariantResult v in result.Variants)
            {
                w.WriteStartObject();
                w.WriteNumber("index", v.Variant.Index);
                if (v.Variant.Line is { } line)
                {
                    w.WriteNumber("line", line);
                }

                w.WriteString("out", v.Variant.OutputPath);
                w.WriteString("status", StatusName(v.Status));
                w.WriteString("sha256", v.Sha256);
                w.WriteString("error", v.Error);
                if (v.Warnings.Count > 0)
                {
                    // Only when there are some, so a summary without warnings keeps its JSON.
                    w.WriteStartArray("warnings");
                    foreach (string warning in v.Warnings)
                    {
                        w.WriteStringValue(warning);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>How variants are counted in the summary.</summary>
    public static int Count(BulkResult result, BulkVariantStatus status) => result.Variants.Count(v => v.Status == status);

    /// <summary><c>done</c>, <c>skipped</c> or <c>failed</c>.</summary>
    public static string StatusName(BulkVariantStatus status) => status switch
    {
        BulkVariantStatus.Done => "done",
        BulkVariantStatus.Skipped => "skipped",
        _ => "failed",
    };

    /// <summary><c>files</c>, <c>hash</c> or <c>null</c>.</summary>
    public static string SinkName(BulkSinkKind sink) => sink switch
    {
        BulkSinkKind.Files => "files",
        BulkSinkKind.Hash => "hash",
        _ => "null",
    };

    /// <summary>Parses <c>files</c>, <c>hash</c> or <c>null</c>; false for anything else.</summary>
    public static bool TryParseSink(string text, out BulkSinkKind sink)
    {
        (bool ok, sink) = text switch
        {
            "files" => (true, BulkSinkKind.Files),
            "hash" => (true, BulkSinkKind.Hash),
            "null" => (true, BulkSinkKind.Null),
            _ => (false, BulkSinkKind.Files),
        };
        return ok;
    }
}
