package ai.dsp.platform.answer;
public interface Answerer { Answer answer(String question, java.util.List<Source> sources); }
