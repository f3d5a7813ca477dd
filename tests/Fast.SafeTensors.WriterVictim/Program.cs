using Fast.SafeTensors;

namespace Fast.SafeTensors.WriterVictim;

/// <summary>
/// Writes one 32 MiB tensor in 1 MiB chunks with a pause after each, printing "started &lt;temp path&gt;"
/// after the first chunk, then commits. Usage: <c>victim &lt;output&gt; &lt;delay ms&gt; &lt;overwrite:true|false&gt;</c>.
/// </summary>
internal static class Program
{
    private const int ChunkBytes = 1 << 20;
    private const int Chunks = 32;

    private static int Main(string[] args)
    {
        string output = args[0];
        int delayMs = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
        bool overwrite = bool.Parse(args[2]);

        using var writer = SafeTensorsWriter.Create(output, [new TensorSpec("weights", DType.U8, [(long)ChunkBytes * Chunks])], overwrite: overwrite);
        var chunk = new byte[ChunkBytes];
        for (int i = 0; i < Chunks; i++)
        {
            Array.Fill(chunk, (byte)(i + 1));
            writer.Write("weights", (long)i * ChunkBytes, chunk);
            if (i == 0)
            {
                Console.Out.WriteLine($"started {writer.TempPath}");
                Console.Out.Flush();
            }

            Thread.Sleep(delayMs);
        }

        writer.Commit();
        Console.Out.WriteLine("committed");
        return 0;
    }
}
