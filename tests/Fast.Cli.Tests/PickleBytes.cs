using System.IO.Compression;
using System.Text;

namespace Fast.Cli.Tests;

/// <summary>
/// Builds pickles opcode by opcode, and wraps them as torch.save would (zip: archive/data.pkl plus
/// archive/data/N; legacy: magic, protocol, sys info, pickle, storage keys, storages), so hostile
/// checkpoints are made by the test itself and no Python is needed.
/// </summary>
internal sealed class PickleBytes
{
    private readonly List<byte> _bytes = [];

    public PickleBytes() => Op(0x80, 2);

    public PickleBytes Op(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public PickleBytes Global(string module, string name) => Op((byte)'c').Op(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

    public PickleBytes Str(string s)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(s);
        Op((byte)'X').Op(BitConverter.GetBytes(utf8.Length));
        return Op(utf8);
    }

    public PickleBytes Int(int value) => Op((byte)'J').Op(BitConverter.GetBytes(value));

    public PickleBytes Mark() => Op((byte)'(');

    public PickleBytes Tuple() => Op((byte)'t');

    public PickleBytes Reduce() => Op((byte)'R');

    /// <summary>_rebuild_tensor_v2 of a 1-D float storage view: (storage, offset, (n,), (1,), False, OrderedDict()).</summary>
    public PickleBytes FloatTensor(string storageKey, int storageElements, int offset, int length) =>
        Global("torch._utils", "_rebuild_tensor_v2").Mark()
            .Mark().Str("storage").Global("torch", "FloatStorage").Str(storageKey).Str("cpu").Int(storageElements).Tuple().Op((byte)'Q')
            .Int(offset).Int(length).Op(0x85).Int(1).Op(0x85).Op(0x89)
            .Global("collections", "OrderedDict").Op((byte)')').Reduce()
            .Tuple().Reduce();

    public PickleBytes Stop() => Op((byte)'.');

    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>A one-tensor state dict {"w": tensor} whose storage holds <paramref name="storageElements"/> floats.</summary>
    public static byte[] StateDict(int storageElements, int offset, int length) =>
        new PickleBytes().Op((byte)'}').Str("w").FloatTensor("0", storageElements, offset, length).Op((byte)'s').Stop().ToArray();

    /// <summary>The payload every code-running test uses: os.system("touch MARKER").</summary>
    public static byte[] SystemCall(string module, string name, string marker) =>
        new PickleBytes().Global(module, name).Mark().Str($"touch {marker}").Tuple().Reduce().Stop().ToArray();

    /// <summary>A zip laid out as torch.save writes it, entries stored (uncompressed).</summary>
    public static void WriteZip(string path, byte[] dataPkl, IReadOnlyDictionary<string, byte[]>? storages = null, string pklName = "archive/data.pkl")
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        Add(zip, pklName, dataPkl);
        Add(zip, "archive/version", Encoding.ASCII.GetBytes("3\n"));
        foreach ((string key, byte[] bytes) in storages ?? new Dictionary<string, byte[]>())
        {
            Add(zip, "archive/data/" + key, bytes);
        }
    }

    /// <summary>
    /// A zip written with every size and offset in its zip64 fields (32-bit slots saturated), as a
    /// checkpoint past 4 GiB is: the same layout in a few hundred bytes.
    /// </summary>
    public static void WriteZip64(string path, IReadOnlyList<(string Name, byte[] Data)> entries)
    {
        var file = new List<byte>();
        var central = new List<byte>();
        foreach ((string name, byte[] data) in entries)
        {
            byte[] n = Encoding.UTF8.GetBytes(name);
            long local = file.Count;
            Le(file, 0x04034b50u); Le(file, (ushort)45); Le(file, (ushort)0); Le(file, (ushort)0); Le(file, 0u); Le(file, 0u);
            Le(file, 0xffffffffu); Le(file, 0xffffffffu); Le(file, (ushort)n.Length); Le(file, (ushort)20);
            file.AddRange(n);
            Le(file, (ushort)1); Le(file, (ushort)16); Le(file, (long)data.Length); Le(file, (long)data.Length);
            file.AddRange(data);
            Le(central, 0x02014b50u); Le(central, (ushort)45); Le(central, (ushort)45); Le(central, (ushort)0); Le(central, (ushort)0);
            Le(central, 0u); Le(central, 0u); Le(central, 0xffffffffu); Le(central, 0xffffffffu);
            Le(central, (ushort)n.Length); Le(central, (ushort)28); Le(central, (ushort)0); Le(central, (ushort)0); Le(central, (ushort)0); Le(central, 0u);
            Le(central, 0xffffffffu);
            central.AddRange(n);
            Le(central, (ushort)1); Le(central, (ushort)24); Le(central, (long)data.Length); Le(central, (long)data.Length); Le(central, local);
        }

        long centralAt = file.Count;
        file.AddRange(central);
        long zip64At = file.Count;
        Le(file, 0x06064b50u); Le(file, 44L); Le(file, (ushort)45); Le(file, (ushort)45); Le(file, 0u); Le(file, 0u);
        Le(file, (long)entries.Count); Le(file, (long)entries.Count); Le(file, (long)central.Count); Le(file, centralAt);
        Le(file, 0x07064b50u); Le(file, 0u); Le(file, zip64At); Le(file, 1u);
        Le(file, 0x06054b50u); Le(file, (ushort)0); Le(file, (ushort)0); Le(file, (ushort)0xffff); Le(file, (ushort)0xffff);
        Le(file, 0xffffffffu); Le(file, 0xffffffffu); Le(file, (ushort)0);
        File.WriteAllBytes(path, file.ToArray());
    }

    private static void Le(List<byte> to, ushort v) => to.AddRange(BitConverter.GetBytes(v));

    private static void Le(List<byte> to, uint v) => to.AddRange(BitConverter.GetBytes(v));

    private static void Le(List<byte> to, long v) => to.AddRange(BitConverter.GetBytes(v));

    public static byte[] Floats(int count) => Enumerable.Range(0, count).SelectMany(i => BitConverter.GetBytes((float)i)).ToArray();

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        using Stream s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        s.Write(bytes);
    }
}
