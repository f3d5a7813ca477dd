using System.Diagnostics;
using System.Globalization;
using Fast.Cli.CommandLine;
using Fast.Merging.Lora.Bake;
using Fast.Merging.Recipes;
using Fast.SafeTensors;

namespace Fast.Cli.Commands;

/// <summary>
/// <c>fastmerge lora bake MODEL LORA[:STRENGTH[:PRESET|LIST]]… -o OUT [--dtype …] [--threads N] [--overwrite]
/// [--no-mmap] [--no-fsync]</c>: the LoRAs added into the model's weights, in the order given.
/// </summary>
internal static class LoraBakeCommand
{
    public static int Run(string[] args)
    {
        var reader = new ArgumentReader("lora bake", args, new HashSet<string> { "--overwrite", "--no-mmap", "--no-fsync" });
        var options = new LoraBakeOptions
        {
            DType = RecipeNames.ParseOutputDType(reader.Value("--dtype") ?? "keep"),
            Overwrite = reader.Flag("--overwrite"),
            ReadMode = reader.Flag("--no-mmap") ? ReadMode.Buffered : ReadMode.Mapped,
            FlushToDisk = !reader.Flag("--no-fsync"),
            Threads = reader.Int("--threads", 0, min: 0, max: 4096),
        };
        string output = reader.Required("-o", "--output");
        reader.EnsureAllConsumed(maxPositionals: int.MaxValue);
        if (reader.Positionals.Count < 2)
        {
            throw new UsageException("lora bake: expected MODEL and at least one LORA[:STRENGTH[:PRESET|LIST]]");
        }

        var loras = reader.Positionals.Skip(1).Select(LoraInput.Parse).ToList();
        var clock = Stopwatch.StartNew();
        LoraBakeResult r = LoraBaker.Bake(reader.Positionals[0], loras, output, options, ConsoleCancel.Token);
        foreach (var group in r.Unmatched.GroupBy(u => u.Lora))
        {
            Console.Error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"fastmerge: warning: {group.Key}: {group.Count()} modules match no weight of the model and were skipped (first: {group.First().Module})"));
        }

        Console.Out.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{output}: {r.TensorCount} tensors, {r.UpdatedTensors} changed by {string.Join(" + ", r.AppliedModules)} LoRA modules in {Format.Duration(clock.Elapsed)}"));
        return ExitCodes.Ok;
    }
}
