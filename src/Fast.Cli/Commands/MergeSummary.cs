using System.Globalization;
using System.Text;
using System.Text.Json;
using Fast.Cli.CommandLine;
using Fast.Merging.Api;
using Fast.Merging.Planning;
using Fast.Merging.PositionIds;
using Fast.Merging.Recipes;

namespace Fast.Cli.Commands;

/// <summary>The one-screen report printed after a merge (text or JSON).</summary>
internal sealed record MergeSummary(MergeResult Result)
{
    private MergePlan Plan => Result.Plan;

    private string Output => Result.OutputPath ?? string.Empty;

    public string ToText()
    {
        var s = new StringBuilder();
        MergeRecipe r = Plan.Recipe;
        s.AppendLine(CultureInfo.InvariantCulture, $"merged {Output}");
        s.AppendLine(CultureInfo.InvariantCulture, $"  architecture   {Plan.Architecture}");
        s.AppendLine(CultureInfo.InvariantCulture, $"  mode           {RecipeNames.ReferenceName(r.Mode)} ({RecipeNames.Name(r.CalcMode)}), alpha {r.Alpha.ToString(CultureInfo.InvariantCulture)}, beta {r.Beta.ToString(CultureInfo.InvariantCulture)}");
        if (r.WeightsAlpha is not null)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"  weights alpha  {r.WeightsAlpha}");
        }

        foreach (string line in MergeNotes.Lines(Plan))
        {
            s.AppendLine(line);
        }

        foreach (string warning in Result.Warnings)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"  warning        {warning}");
        }

        s.AppendLine(CultureInfo.InvariantCulture, $"  tensors        {Plan.Tensors.Count}: {Plan.MergedCount} merged, {Plan.CopiedCount} kept from A, {PositionIdsLine()}");
        foreach ((string key, PositionIdsReport before) in Result.PositionIdsBefore)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"  position ids   {key}");
            s.AppendLine(CultureInfo.InvariantCulture, $"    before (A)   {Describe(before)}");
            if (Result.PositionIdsAfter.TryGetValue(key, out PositionIdsReport? after))
            {
                s.AppendLine(CultureInfo.InvariantCulture, $"    after        {Describe(after)}");
            }
        }

        if (Result.OutputHashes is { } hashes)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"  sha256         {hashes.Sha256} (AutoV2 {hashes.AutoV2}, legacy {hashes.LegacyHash})");
        }

        s.AppendLine(CultureInfo.InvariantCulture, $"  size           {Format.Bytes(new FileInfo(Output).Length)} in {Format.Duration(Result.Elapsed)} on {Result.Device}");
        return s.ToString();
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("output", Output);
            w.WriteString("architecture", Plan.Architecture.ToString());
            w.WriteNumber("tensors", Plan.Tensors.Count);
            w.WriteNumber("merged", Plan.MergedCount);
            w.WriteNumber("kept", Plan.CopiedCount);
            w.WriteNumber("position_ids_reset", Plan.PositionIdsResetCount);
            w.WriteNumber("position_ids_merged", Plan.PositionIdsMergedCount);
            w.WriteNumber("bytes", new FileInfo(Output).Length);
            w.WriteNumber("seconds", Result.Elapsed.TotalSeconds);
            w.WriteString("device", Result.Device);
            if (Result.OutputHashes is { } hashes)
            {
                w.WriteString("sha256", hashes.Sha256);
                w.WriteString("legacy_hash", hashes.LegacyHash);
            }

            if (Result.Warnings.Count > 0)
            {
                w.WriteStartArray("warnings");
                foreach (string warning in Result.Warnings)
                {
                    w.WriteStringValue(warning);
                }

                w.WriteEndArray();
            }

            w.WriteStartArray("position_ids");
            foreach ((string key, PositionIdsReport before) in Result.PositionIdsBefore)
            {
                w.WriteStartObject();
                w.WriteString("key", key);
                WriteReport(w, "before", before);
                if (Result.PositionIdsAfter.TryGetValue(key, out PositionIdsReport? after))
                {
                    WriteReport(w, "after", after);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WritePropertyName("recipe");
            w.WriteRawValue(RecipeJson.Serialize(Plan.Recipe));
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private string PositionIdsLine() => Plan.PositionIdsMergedCount > 0
        ? $"{Plan.PositionIdsMergedCount} position ids merged as weights (policy merge)"
        : $"{Plan.PositionIdsResetCount} position ids reset to int64 [0..n-1]";

    private static string Describe(PositionIdsReport report)
    {
        string shape = string.Join(", ", report.Shape);
        if (report.IsClean)
        {
            return $"{report.DType} [{shape}] clean";
        }

        var s = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{report.DType} [{shape}]");
        s.Append(report.AllExactIntegers ? ", exact integers" : ", not exact integers");
        s.Append(CultureInfo.InvariantCulture, $", corrupt token indexes [{string.Join(",", report.CorruptIndexes)}]");
        s.Append(CultureInfo.InvariantCulture, $", missing tokens [{string.Join(",", report.MissingTokens)}]");
        s.Append(CultureInfo.InvariantCulture, $", {report.DriftingIndexes.Count} drifting");
        return s.ToString();
    }

    private static void WriteReport(Utf8JsonWriter w, string name, PositionIdsReport report)
    {
        w.WriteStartObject(name);
        w.WriteString("dtype", report.DType);
        w.WriteBoolean("clean", report.IsClean);
        w.WriteBoolean("exact_integers", report.AllExactIntegers);
        WriteInts(w, "corrupt_indexes", report.CorruptIndexes);
        WriteInts(w, "missing_tokens", report.MissingTokens);
        WriteInts(w, "drifting_indexes", report.DriftingIndexes);
        w.WriteEndObject();
    }

    private static void WriteInts(Utf8JsonWriter w, string name, IReadOnlyList<int> values)
    {
        w.WriteStartArray(name);
        foreach (int v in values)
        {
            w.WriteNumberValue(v);
        }

        w.WriteEndArray();
    }
}
