using System.Globalization;
using Fast.Cli.CommandLine;
using Fast.Merging.Doctor;
using Fast.SafeTensors;

namespace Fast.Cli.Commands;

/// <summary><c>fastmerge extract FILE --component unet|vae|clip -o OUT</c>: one component as its own file, tensors byte for byte.</summary>
internal static class ExtractCommand
{
    private static readonly Dictionary<string, ComponentRole> s_components = new(StringComparer.Ordinal)
    {
        ["unet"] = ComponentRole.Unet,
        ["vae"] = ComponentRole.Vae,
        ["clip"] = ComponentRole.TextEncoder,
    };

    public static int Run(string[] args)
    {
        var reader = new ArgumentReader("extract", args, new HashSet<string> { "--overwrite", "--no-mmap" });
        if (reader.Value("--component") is null)
        {
            throw new UsageException("extract: --component unet|vae|clip is required");
        }

        ComponentRole role = reader.Choice("--component", ComponentRole.Unet, s_components);
        string output = reader.Required("-o", "--output");
        bool overwrite = reader.Flag("--overwrite");
        ReadMode mode = reader.Flag("--no-mmap") ? ReadMode.Buffered : ReadMode.Mapped;
        reader.EnsureAllConsumed(maxPositionals: 1);
        if (reader.Positionals.Count != 1)
        {
            throw new UsageException("extract: expected one FILE");
        }

        int count = ComponentExtractor.Extract(reader.Positionals[0], role, output, overwrite, mode, ConsoleCancel.Token);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{output}: {count} tensors"));
        return ExitCodes.Ok;
    }
}
