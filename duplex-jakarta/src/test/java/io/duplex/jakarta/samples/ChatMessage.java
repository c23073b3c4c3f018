package io.duplex.jakarta.samples;

/** A chat line, as the Jakarta EE tutorial's chat sample models it. */
public record ChatMessage(String from, String text) {}
