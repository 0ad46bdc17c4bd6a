import numpy as np
import pytest

from app.audio.decode import DecodeError, decode_file
from tests.fixtures.audio import speech_like, write_recording


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".ogg", ".mp3"])
def test_each_format_decodes_to_int16_frames_of_the_right_length(tmp_path, suffix):
    source = speech_like(2.0)
    audio = decode_file(write_recording(tmp_path / f"call{suffix}", source))
    assert audio.sample_rate == 16000 and audio.channels == 2 and audio.samples.dtype == np.int16
    # MP3 adds encoder padding; lossy codecs change samples but keep the loud parts loud
    assert abs(audio.frames - source.shape[0]) <= (2500 if suffix == ".mp3" else 0)
    assert np.abs(audio.samples).max() > 8000


def test_lossless_formats_keep_the_samples_exact(tmp_path):
    source = speech_like(1.0, channels=1)
    for suffix in (".wav", ".flac"):
        audio = decode_file(write_recording(tmp_path / f"x{suffix}", source))
        np.testing.assert_array_equal(audio.samples[:, 0], source[:, 0])


def test_wav_with_a_streaming_data_size_is_read_to_the_end(tmp_path):
    path = write_recording(tmp_path / "streamed.wav", speech_like(1.0))
    raw = bytearray(path.read_bytes())
    at = raw.index(b"data")
    raw[at + 4 : at + 8] = (0xFFFFFFFF).to_bytes(4, "little")  # how live-written WAVs look
    path.write_bytes(bytes(raw))
    assert decode_file(path).frames == 16000


def test_mp3_is_read_past_a_lying_frame_count(tmp_path, monkeypatch):
    import soundfile

    path = write_recording(tmp_path / "long.mp3", speech_like(3.0))
    real_frames = decode_file(path).frames
    monkeypatch.setattr(soundfile.SoundFile, "frames", property(lambda self: 1000))
    assert decode_file(path).frames == real_frames


def test_garbage_and_empty_files_raise_a_plain_error(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"this is not audio at all" * 10)
    with pytest.raises(DecodeError, match="Cannot read the recording bad.wav"):
        decode_file(bad)
    with pytest.raises(DecodeError):
        decode_file(tmp_path / "missing.mp3")


def _wav(chunks: list[tuple[bytes, bytes]]) -> bytes:
    body = b"".join(kind + len(data).to_bytes(4, "little") + data + b"\0" * (len(data) & 1) for kind, data in chunks)
    return b"RIFF" + (4 + len(body)).to_bytes(4, "little") + b"WAVE" + body


def _fmt(channels: int, rate: int = 16000, bits: int = 16) -> bytes:
    block = channels * bits // 8
    return (b"\x01\x00" + channels.to_bytes(2, "little") + rate.to_bytes(4, "little")
            + (rate * block).to_bytes(4, "little") + block.to_bytes(2, "little") + bits.to_bytes(2, "little"))


def test_a_wav_declaring_more_channels_than_we_can_show_is_refused(tmp_path):
    # 128 KB declaring 1000 channels once froze the window for 35 s at 840 MB.
    path = tmp_path / "wide.wav"
    path.write_bytes(_wav([(b"fmt ", _fmt(1000)), (b"data", bytes(128 * 1024))]))
    with pytest.raises(DecodeError, match="1000 channels"):
        decode_file(path)


def test_a_wav_declaring_more_channels_is_refused_through_soundfile_too(tmp_path):
    path = tmp_path / "wide24.wav"
    path.write_bytes(_wav([(b"fmt ", _fmt(9, bits=24)), (b"data", bytes(9 * 3 * 100))]))
    with pytest.raises(DecodeError, match="9 channels"):
        decode_file(path)


@pytest.mark.parametrize("chunks", [
    [(b"data", bytes(3200)), (b"fmt ", _fmt(1))],  # data before fmt: once a ZeroDivisionError
    [(b"fmt ", _fmt(1, rate=0)), (b"data", bytes(3200))],
    [(b"fmt ", b"\x01\x00"), (b"data", bytes(3200))],  # a fmt chunk cut short
    [(b"fmt ", _fmt(0)), (b"data", bytes(3200))],
])
def test_every_broken_wav_is_a_decode_error(tmp_path, chunks):
    path = tmp_path / "broken.wav"
    path.write_bytes(_wav(chunks))
    with pytest.raises(DecodeError):
        decode_file(path)
