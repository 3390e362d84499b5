using VoteChain.Node.Hosting;

namespace VoteChain.Node.Tests;

public sealed class LimitSettingsTests
{
    [Test]
    public void The_defaults_are_usable()
    {
        Assert.That(NodeOptionsLoader.Problems(new NodeOptions()), Is.Empty);
    }

    [Test]
    public void Unusable_limits_are_each_named_in_one_line()
    {
        var options = new NodeOptions
        {
            Limits = new LimitSettings
            {
                MaxConnectionsPerAddress = 0, StreamWindowBytes = 1_000, DataRateGraceSeconds = 1, SubmitRatePerSecond = 100, SubmitBurst = 10,
            },
        };

        var problems = NodeOptionsLoader.Problems(options);

        Assert.That(problems, Is.EquivalentTo(new[]
        {
            "limits.max_connections_per_address must be positive, got 0",
            "limits.stream_window_bytes 1000 is below the HTTP/2 minimum of 65535",
            "limits.data_rate_grace_seconds 1 is outside (1, 86400]",
            "limits.submit_burst 10 is below limits.submit_rate_per_second 100",
        }));
    }

    [Test]
    public void Large_answer_bounds_must_allow_an_answer_and_a_sane_write_time()
    {
        var options = new NodeOptions { Limits = new LimitSettings { MaxLargeAnswersPerAddress = 0, LargeAnswerSeconds = 0.5 } };

        Assert.That(NodeOptionsLoader.Problems(options), Is.EquivalentTo(new[]
        {
            "limits.max_large_answers_per_address must be positive, got 0",
            "limits.large_answer_seconds 0.5 is outside 1..86400",
        }));
    }

    [Test]
    public void An_unusable_handshake_rate_is_named_in_one_line()
    {
        var zero = new NodeOptions { Limits = new LimitSettings { HandshakeRatePerSecond = 0 } };
        var burstBelowRate = new NodeOptions { Limits = new LimitSettings { HandshakeRatePerSecond = 50, HandshakeBurst = 10 } };

        Assert.That(NodeOptionsLoader.Problems(zero), Is.EqualTo(new[] { "limits.handshake_rate_per_second must be positive, got 0" }));
        Assert.That(NodeOptionsLoader.Problems(burstBelowRate),
            Is.EqualTo(new[] { "limits.handshake_burst 10 is below limits.handshake_rate_per_second 50" }));
    }
}
