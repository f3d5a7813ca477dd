using Fast.Merging.Recipes;

namespace Fast.Merging.Tests.Recipes;

public class PythonJsonWriterTests
{
    // Expected strings printed by CPython 3's repr().
    [Theory]
    [InlineData(0.5, "0.5")]
    [InlineData(1.0, "1.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(123456789012345.0, "123456789012345.0")]
    [InlineData(1234567890123456.0, "1234567890123456.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1.5e16, "1.5e+16")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(2.5e-300, "2.5e-300")]
    [InlineData(1e100, "1e+100")]
    [InlineData(100.0, "100.0")]
    [InlineData(-0.9166666667, "-0.9166666667")]
    public void Floats_print_like_python_repr(double value, string expected) => Assert.Equal(expected, PythonJsonWriter.FloatRepr(value));

    [Fact]
    public void Output_matches_json_dumps_byte_for_byte()
    {
        var w = new PythonJsonWriter();
        w.BeginObject();
        w.Name("type");
        w.String("fastmerge");
        w.Name("weights_alpha");
        w.BeginArray();
        w.Number(1);
        w.Number(0.5);
        w.EndArray();
        w.Name("x");
        w.Null();
        w.Name("n");
        w.String("caf\u00e9 \"q\" \u007f\U0001F600");
        w.Name("b");
        w.Boolean(true);
        w.Name("Off");
        w.BeginArray();
        w.EndArray();
        w.EndObject();
        // python3 -c 'import json; print(json.dumps({...}))'
        Assert.Equal("{\"type\": \"fastmerge\", \"weights_alpha\": [1.0, 0.5], \"x\": null, \"n\": \"caf\\u00e9 \\\"q\\\" \\u007f\\ud83d\\ude00\", \"b\": true, \"Off\": []}", w.ToString());
    }
}
