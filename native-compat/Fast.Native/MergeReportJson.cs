using System.Buffers;
using System.Text.Json;
using Fast.Merging.Api;

namespace Fast.Native;

/// <summary>
/// The report of <c>fm_merge_run_json</c>: what the CLI's merge summary says, as JSON
/// <code>{"output", "sha256", "tensors", "merged", "copied", "device", "seconds", "warnings": ["..."]}</code>
/// (<c>sha256</c> null when the output was not hashed); the warnings are the library's (<see cref="MergeResult.Warnings"/>).
/// </summary>
internal static class MergeReportJson
{
    public static string Write(MergeResult result)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("output", result.OutputPath);
            if (result.OutputHashes is { } hashes)
            {
                w.WriteString("sha256", hashes.Sha256);
            }
            else
            {
                w.WriteNull("sha256");
            }

            w.WriteNumber("tensors", result.Plan.Tensors.Count);
            w.WriteNumber("merged", result.Plan.MergedCount);
            w.WriteNumber("copied", result.Plan.CopiedCount);
            w.WriteString("device", result.Device);
            w.WriteNumber("seconds", Math.Round(result.Elapsed.TotalSeconds, 3));
            w.WriteStartArray("warnings");
            foreach (string warning in result.Warnings)
            {
                w.WriteStringValue(warning);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
