package ai.dsp.platform.answer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TermsTest {

    @Test
    void dropsStopwordsPunctuationAndCase() {
        assertThat(Terms.of("What is the VPN's uptime, and who owns it?")).containsExactlyInAnyOrder("vpn", "uptim", "own");
    }

    @Test
    void inflectionsOfAWordMeet() {
        assertThat(Terms.of("backup backups")).containsExactly("backup");
        assertThat(Terms.of("store stores stored storing")).containsExactly("stor");
        assertThat(Terms.of("policy policies")).containsExactly("policy");
        assertThat(Terms.of("stop stopped stopping")).containsExactly("stop");
    }

    @Test
    void keepsWordsThatOnlyLookInflected() {
        assertThat(Terms.of("access status analysis")).containsExactlyInAnyOrder("access", "status", "analysis");
    }
}
