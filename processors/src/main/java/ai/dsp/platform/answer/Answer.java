package ai.dsp.platform.answer;
public record Answer(String text, java.util.List<Integer> citations, String generator) {}
