using System.Buffers;
using System.Text.Json;
using Fast.Merging.Doctor;

namespace Fast.Native;

/// <summary><c>fm_check_json</c>: the model doctor's report in the schema of <c>fastmerge check --json</c>.</summary>
internal static class NativeCheck
{
    /// <summary>The report as compact UTF-8 JSON; a model with problems is still a successful check.</summary>
    public static string Run(string path)
    {
        if (path.Length == 0)
        {
            throw new NativeInputException("path is empty");
        }

        CheckReport report = ModelChecker.Check(path);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            CheckReportJson.Write(writer, report);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
