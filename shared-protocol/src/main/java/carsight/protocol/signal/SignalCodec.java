package carsight.protocol.signal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON codec for {@link SignalMessage}s. Strict on input: at most {@value #MAX_BYTES} bytes of UTF-8, a known
 * {@code type}, only the fields that type has, each of exactly its JSON type (no "12" for 12, no 1.5 for a long,
 * no null for a required field). Every rejection is a {@link SignalFormatException} naming the field.
 * Thread-safe.
 */
public final class SignalCodec {

    public static final int MAX_BYTES = 64 * 1024;

    private static final Map<String, Class<? extends SignalMessage>> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("hello", SignalMessage.Hello.class);
        TYPES.put("offer", SignalMessage.Offer.class);
        TYPES.put("answer", SignalMessage.Answer.class);
        TYPES.put("candidate", SignalMessage.Candidate.class);
        TYPES.put("ice-server", SignalMessage.IceServerInfo.class);
        TYPES.put("bye", SignalMessage.Bye.class);
        TYPES.put("error", SignalMessage.ErrorMessage.class);
        TYPES.put("ping", SignalMessage.Ping.class);
        TYPES.put("pong", SignalMessage.Pong.class);
        TYPES.put("stream", SignalMessage.StreamInfo.class);
        TYPES.put("frame", SignalMessage.FrameInfo.class);
        TYPES.put("path", SignalMessage.PathInfo.class);
        TYPES.put("telemetry", SignalMessage.Telemetry.class);
    }

    private final ObjectMapper mapper;

    public SignalCodec() {
        mapper = new ObjectMapper();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(8).maxStringLength(MAX_BYTES).maxNumberLength(32).build());
        mapper.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /** The message types this codec knows, by their {@code type} value. */
    public static java.util.Set<String> types() {
        return TYPES.keySet();
    }

    public String encode(SignalMessage message) {
        if (message instanceof SignalMessage.FrameInfo frame) {
            return encodeFrame(frame);
        }
        return encodeTree(message);
    }

    /** Any message, from its record's components. */
    String encodeTree(SignalMessage message) {
        ObjectNode node = mapper.createObjectNode();
        node.put("type", message.type());
        for (RecordComponent component : message.getClass().getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(message);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + component.getName(), e);
            }
            if (value != null) {
                node.set(component.getName(), mapper.valueToTree(value));
            }
        }
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message.type(), e);
        }
    }

    /**
     * The message sent for every frame, to every viewer: written directly, as the general path (reflection and a tree
     * per message) is a tenth of what a streamer on an interpreter-only JVM spends. The same text as that path gives.
     */
    static String encodeFrame(SignalMessage.FrameInfo frame) {
        return new StringBuilder(128).append("{\"type\":\"frame\",\"rtpTimestamp\":").append(frame.rtpTimestamp())
                .append(",\"captureTimeMicros\":").append(frame.captureTimeMicros())
                .append(",\"sendTimeMicros\":").append(frame.sendTimeMicros())
                .append(",\"size\":").append(frame.size())
                .append(",\"keyframe\":").append(frame.keyframe()).append('}').toString();
    }

    public SignalMessage decode(String json) throws SignalFormatException {
        if (json == null) {
            throw new SignalFormatException(SignalFormatException.BAD_MESSAGE, "empty message");
        }
        if (json.length() > MAX_BYTES || json.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new SignalFormatException(SignalFormatException.TOO_LARGE,
                    "message is larger than " + MAX_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new SignalFormatException(SignalFormatException.BAD_MESSAGE,
                    "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new SignalFormatException(SignalFormatException.BAD_MESSAGE, "a message must be a JSON object");
        }
        JsonNode typeNode = root.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new SignalFormatException(SignalFormatException.UNKNOWN_TYPE, "field 'type' is required and must be a string");
        }
        Class<? extends SignalMessage> type = TYPES.get(typeNode.textValue());
        if (type == null) {
            throw new SignalFormatException(SignalFormatException.UNKNOWN_TYPE,
                    "unknown message type '" + abbreviate(typeNode.textValue()) + "'; known: " + TYPES.keySet());
        }
        return build(type, (ObjectNode) root);
    }

    private static SignalMessage build(Class<? extends SignalMessage> type, ObjectNode node) throws SignalFormatException {
        RecordComponent[] components = type.getRecordComponents();
        Map<String, RecordComponent> byName = new LinkedHashMap<>();
        for (RecordComponent c : components) {
            byName.put(c.getName(), c);
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!field.equals("type") && !byName.containsKey(field)) {
                throw bad("unknown field '" + abbreviate(field) + "' in a " + node.get("type").textValue() + " message");
            }
        }
        Object[] args = new Object[components.length];
        Class<?>[] argTypes = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            argTypes[i] = components[i].getType();
            args[i] = read(node.get(components[i].getName()), components[i].getName(), argTypes[i]);
        }
        try {
            Constructor<? extends SignalMessage> constructor = type.getDeclaredConstructor(argTypes);
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw bad(cause instanceof IllegalArgumentException ? cause.getMessage() : String.valueOf(cause));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("message type " + type.getSimpleName() + " cannot be built", e);
        }
    }

    private static Object read(JsonNode value, String field, Class<?> type) throws SignalFormatException {
        boolean absent = value == null || value.isNull();
        if (type.isPrimitive() && absent) {
            throw bad("field '" + field + "' is required");
        }
        if (absent) {
            return null;
        }
        if (type == String.class) {
            if (!value.isTextual()) {
                throw bad("field '" + field + "' must be a string");
            }
            return value.textValue();
        }
        if (type == int.class || type == Integer.class) {
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw bad("field '" + field + "' must be a whole number (32-bit)");
            }
            return value.intValue();
        }
        if (type == long.class || type == Long.class) {
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw bad("field '" + field + "' must be a whole number");
            }
            return value.longValue();
        }
        if (type == double.class || type == Double.class) {
            if (!value.isNumber()) {
                throw bad("field '" + field + "' must be a number");
            }
            double d = value.doubleValue();
            if (!Double.isFinite(d)) {
                throw bad("field '" + field + "' must be finite");
            }
            return d;
        }
        if (type == boolean.class || type == Boolean.class) {
            if (!value.isBoolean()) {
                throw bad("field '" + field + "' must be true or false");
            }
            return value.booleanValue();
        }
        throw new IllegalStateException("unsupported field type " + type + " for " + field);
    }

    private static SignalFormatException bad(String message) {
        return new SignalFormatException(SignalFormatException.BAD_MESSAGE, message);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
