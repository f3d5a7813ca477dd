using System.Buffers;
using System.Text.Json;
using Fast.Merging.Doctor;

namespace Fast.Native;

/// <summary>
/// The report of <c>fm_fix_run_json</c>: what <c>fastmerge fix</c> prints, as JSON
/// <code>{"output", "tensors", "position_ids_reset", "pruned", "converted", "renamed", "vae_replaced", "clip_replaced", "non_finite_replaced"}</code>
/// </summary>
internal static class FixReportJson
{
    public static string Write(FixResult r)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("output", r.OutputPath);
            w.WriteNumber("tensors", r.TensorCount);
            w.WriteNumber("position_ids_reset", r.PositionIdsReset);
            w.WriteNumber("pruned", r.Pruned);
            w.WriteNumber("converted", r.Converted);
            w.WriteNumber("renamed", r.Renamed);
            w.WriteNumber("vae_replaced", r.VaeReplaced);
            w.WriteNumber("clip_replaced", r.ClipReplaced);
            w.WriteNumber("non_finite_replaced", r.NonFiniteReplaced);
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
