package carsight.protocol.speed;

/** How worrying a blind distance is: green, amber or red by configurable thresholds. */
public enum DistanceLevel {
    GREEN, AMBER, RED;

    /** Distances up to {@code greenMaxMetres} are green, up to {@code amberMaxMetres} amber, above that red. */
    public record Thresholds(double greenMaxMetres, double amberMaxMetres) {
        public Thresholds {
            if (!(greenMaxMetres >= 0 && amberMaxMetres >= greenMaxMetres)) {
                throw new IllegalArgumentException("thresholds must satisfy 0 ≤ green ≤ amber");
            }
        }

        public static Thresholds defaults() {
            return new Thresholds(1.0, 3.0);
        }

        public DistanceLevel classify(double metres) {
            return metres <= greenMaxMetres ? GREEN : metres <= amberMaxMetres ? AMBER : RED;
        }
    }
}
