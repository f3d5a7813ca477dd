using System.Globalization;
using System.Text.Json;
using Fast.Cli.CommandLine;
using Fast.Merging;
using Fast.Merging.Architectures;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Cli.Commands;

/// <summary><c>fastmerge inspect FILE [--json] [--no-mmap]</c>: what a safetensors file holds.</summary>
internal static class InspectCommand
{
    public static int Run(string[] args)
    {
        var reader = new ArgumentReader("inspect", args, new HashSet<string> { "--json", "--no-mmap", "--lineage" });
        bool json = reader.Flag("--json");
        bool lineage = reader.Flag("--lineage");
        ReadMode mode = reader.Flag("--no-mmap") ? ReadMode.Buffered : ReadMode.Mapped;
        reader.EnsureAllConsumed(maxPositionals: 1);
        if (reader.Positionals.Count != 1)
        {
            throw new UsageException("inspect: expected one FILE");
        }

        using SafeTensorsFile file = SafeTensorsFile.Open(reader.Positionals[0], mode);
        if (lineage)
        {
            WriteLineage(file, json);
            return ExitCodes.Ok;
        }

        var byDType = file.Tensors
            .GroupBy(t => t.DType)
            .Select(g => (DType: g.Key, Count: g.Count(), Bytes: g.Sum(t => t.ByteLength), Elements: g.Sum(t => t.ElementCount)))
            .OrderByDescending(g => g.Bytes)
            .ToList();

        ArchitectureRecognition arch = ArchitectureRecognizer.Recognize(file.Tensors.Select(t => new TensorKey(t.Name, t.Shape)));
        if (json)
        {
            WriteJson(file, byDType, arch);
        }
        else
        {
            WriteText(file, byDType, arch);
        }

        return ExitCodes.Ok;
    }

    /// <summary>The merge history recorded in the file (A1111's <c>sd_merge_recipe</c> / <c>sd_merge_models</c>) as a tree.</summary>
    private static void WriteLineage(SafeTensorsFile file, bool json)
    {
        LineageNode tree = LineageTree.Read(Path.GetFileName(file.Path), file.Metadata);
        if (!json)
        {
            LineageOutput.WriteText(Console.Out, tree);
            return;
        }

        using var stream = Console.OpenStandardOutput();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            LineageOutput.WriteJson(w, tree);
        }

        stream.Write("\n"u8);
    }

    private static void WriteText(SafeTensorsFile file, List<(DType DType, int Count, long Bytes, long Elements)> byDType, ArchitectureRecognition arch)
    {
        TextWriter o = Console.Out;
        o.WriteLine(file.Path);
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {file.Tensors.Count} tensors, {Format.Bytes(file.FileLength)} ({file.FileLength:N0} bytes), header {Format.Bytes(file.DataOffset)}"));
        o.WriteLine(arch.Architecture is { } known
            ? string.Create(CultureInfo.InvariantCulture, $"  architecture: {known.Name}{(arch.Scale == 1 ? "" : $" (scale 1/{arch.Scale})")}; block weights: {(known.BlockLayout.HasBlocks ? $"{known.BlockLayout.Blocks.Count} ({known.BlockLayout.Summary})" : "none")}")
            : "  architecture: unknown");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"dtype",-10}{"tensors",10}{"parameters",16}{"bytes",14}"));
        foreach (var g in byDType)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {DTypeInfo.ToJsonName(g.DType),-10}{g.Count,10:N0}{g.Elements,16:N0}{Format.Bytes(g.Bytes),14}"));
        }

        LoraSummaryOutput.WriteText(o, LoraSummaryOutput.Of(file));

        if (file.Metadata.Count == 0)
        {
            o.WriteLine("  metadata: none");
            return;
        }

        o.WriteLine("  metadata:");
        foreach (var (key, value) in file.Metadata)
        {
            o.WriteLine($"    {key}: {Format.Truncate(value, 200)}");
        }
    }

    private static void WriteJson(SafeTensorsFile file, List<(DType DType, int Count, long Bytes, long Elements)> byDType, ArchitectureRecognition arch)
    {
        using Stream stdout = Console.OpenStandardOutput();
        using var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("path", file.Path);
        w.WriteNumber("file_bytes", file.FileLength);
        w.WriteNumber("header_bytes", file.DataOffset);
        w.WriteNumber("tensor_count", file.Tensors.Count);
        if (arch.Architecture is { } known)
        {
            w.WriteString("architecture", known.Name);
            w.WriteNumber("scale", arch.Scale);
            w.WriteStartArray("blocks");
            foreach (string block in known.BlockLayout.Blocks)
            {
                w.WriteStringValue(block);
            }

            w.WriteEndArray();
        }
        else
        {
            w.WriteNull("architecture");
        }

        w.WriteStartArray("dtypes");
        foreach (var g in byDType)
        {
            w.WriteStartObject();
            w.WriteString("dtype", DTypeInfo.ToJsonName(g.DType));
            w.WriteNumber("tensors", g.Count);
            w.WriteNumber("parameters", g.Elements);
            w.WriteNumber("bytes", g.Bytes);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        LoraSummaryOutput.WriteJson(w, LoraSummaryOutput.Of(file));
        w.WriteStartObject("metadata");
        foreach (var (key, value) in file.Metadata)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
        w.WriteStartArray("tensors");
        foreach (TensorInfo t in file.Tensors)
        {
            w.WriteStartObject();
            w.WriteString("name", t.Name);
            w.WriteString("dtype", DTypeInfo.ToJsonName(t.DType));
            w.WriteStartArray("shape");
            foreach (long d in t.Shape)
            {
                w.WriteNumberValue(d);
            }

            w.WriteEndArray();
            w.WriteStartArray("data_offsets");
            w.WriteNumberValue(t.DataStart);
            w.WriteNumberValue(t.DataEnd);
            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        stdout.WriteByte((byte)'\n');
    }
}
