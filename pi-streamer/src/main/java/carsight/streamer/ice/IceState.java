package carsight.streamer.ice;

/** What a viewer's ICE agent is doing, as the streamer reports it. */
public enum IceState { NEW, CHECKING, CONNECTED, FAILED, CLOSED }
