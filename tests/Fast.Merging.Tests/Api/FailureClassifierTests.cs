using Fast.Merging.Api;
using Fast.Merging.Doctor;
using Fast.SafeTensors;

namespace Fast.Merging.Tests.Api;

/// <summary>The one classification the CLI's exit codes and the C ABI's statuses are made from.</summary>
public class FailureClassifierTests
{
    public static TheoryData<Exception, FailureClass> Cases => new()
    {
        { new DoctorException("fix: bad"), FailureClass.BadInput },
        { new SafeTensorsFormatException("x.safetensors: header too long"), FailureClass.BadInput },
        { new FileChangedException("x.safetensors", "it shrank"), FailureClass.BadInput },
        { new FileNotFoundException("gone", "x.safetensors"), FailureClass.BadInput },
        { new DirectoryNotFoundException("no folder"), FailureClass.BadInput },
        { new UnauthorizedAccessException("permission denied"), FailureClass.BadInput },
        { new IOException("input/output error"), FailureClass.BadInput },
        { new SafeTensorsWriteException("o.safetensors", WriteFailure.OutputExists, "exists"), FailureClass.BadInput },
        { new SafeTensorsWriteException("o.safetensors", WriteFailure.OutOfSpace, "no room"), FailureClass.NoRoom },
        { new SafeTensorsWriteException("o.safetensors", WriteFailure.Incomplete, "bytes never written"), FailureClass.Internal },
        { new EndOfStreamException("a bug reading past the end"), FailureClass.Internal },
        { new OperationCanceledException(), FailureClass.Cancelled },
        { new InvalidOperationException("a bug"), FailureClass.Internal },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_exception_has_its_class_and_is_its_own_cause(Exception ex, FailureClass expected)
    {
        var (failure, cause) = FailureClassifier.Classify(ex);
        Assert.Equal(expected, failure);
        Assert.Same(ex, cause);
    }

    [Fact]
    public void Inside_an_aggregate_no_room_outranks_bad_input_and_bad_input_outranks_a_bug()
    {
        var full = new SafeTensorsWriteException("o.safetensors", WriteFailure.OutOfSpace, "no room");
        var missing = new FileNotFoundException("gone");
        var bug = new InvalidOperationException("bug");
        Assert.Equal((FailureClass.NoRoom, (Exception)full), FailureClassifier.Classify(new AggregateException(bug, missing, full)));
        Assert.Equal((FailureClass.BadInput, (Exception)missing), FailureClassifier.Classify(new AggregateException(bug, missing)));
        Assert.Equal((FailureClass.Internal, (Exception)bug), FailureClassifier.Classify(new AggregateException(new OperationCanceledException(), bug)));
        Assert.Equal(FailureClass.Cancelled, FailureClassifier.Classify(new AggregateException(new OperationCanceledException(), new TaskCanceledException())).Class);
    }

    [Fact]
    public void A_front_end_names_its_own_input_errors()
    {
        var request = new FormatException("bad request member");
        Assert.Equal(FailureClass.Internal, FailureClassifier.Classify(request).Class);
        Assert.Equal(FailureClass.BadInput, FailureClassifier.Classify(request, e => e is FormatException).Class);
    }

    [Fact]
    public void Every_class_has_the_documented_exit_code()
    {
        Assert.Equal(2, FailureExitCodes.Of(FailureClass.BadInput));
        Assert.Equal(3, FailureExitCodes.Of(FailureClass.NoRoom));
        Assert.Equal(130, FailureExitCodes.Of(FailureClass.Cancelled));
        Assert.Equal(70, FailureExitCodes.Of(FailureClass.Internal));
    }
}
