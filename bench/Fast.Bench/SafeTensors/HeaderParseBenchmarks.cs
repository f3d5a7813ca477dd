using BenchmarkDotNet.Attributes;
using Fast.SafeTensors;

namespace Fast.Bench.SafeTensors;

/// <summary>Validating an SDXL-size header (~2,500 tensors): both JSON passes plus layout rules.</summary>
[MemoryDiagnoser]
public class HeaderParseBenchmarks
{
    private byte[] _header = [];
    private long _dataLength;

    [GlobalSetup]
    public void Setup()
    {
        List<TensorSpec> specs = SdxlKeys.Load();
        TensorInfo[] layout = TensorLayoutPlanner.Plan(specs);
        _header = HeaderJsonWriter.Build(layout, [new("format", "pt")]);
        _dataLength = layout[^1].DataEnd;
        Console.WriteLine($"// SDXL header: {specs.Count} tensors, {_header.Length} bytes, data {_dataLength} bytes");
    }

    [Benchmark]
    public int ParseAndValidate() => HeaderValidator.ParseHeader(_header, _dataLength, "sdxl").TensorsInFileOrder.Length;
}
