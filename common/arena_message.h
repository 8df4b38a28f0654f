// Protobuf messages on an arena of their own, shared by what is decoded from them.
//
// A message received in one piece (a pushed batch) and then decoded into many
// small objects allocates each line and string of each event with malloc, and
// the thread that drops the events frees them one by one. On an arena they
// take a few blocks, freed at once with the last reference:
//
//   std::shared_ptr<v1::NodeMessage> message = NewOnArena<v1::NodeMessage>(bytes.size());
//   message->ParseFromString(bytes);
//   DecodeRecordIn(message, message->push().events(0));  // refers to the message
#ifndef COMPTOIR_COMMON_ARENA_MESSAGE_H_
#define COMPTOIR_COMMON_ARENA_MESSAGE_H_

#include <algorithm>
#include <cstddef>
#include <memory>

#include "google/protobuf/arena.h"

namespace comptoir {

// Returns an empty `Message` on a new arena that lives as long as the returned
// pointer or any copy of it. `wire_bytes` (the size of what will be parsed into
// it) sizes the arena's blocks: a parsed message takes a few times its wire size.
template <typename Message>
std::shared_ptr<Message> NewOnArena(size_t wire_bytes) {
  struct Held {
    explicit Held(const google::protobuf::ArenaOptions& options) : arena(options) {}
    google::protobuf::Arena arena;
  };
  google::protobuf::ArenaOptions options;
  options.start_block_size = std::clamp<size_t>(wire_bytes, 1 << 10, 64 << 10);
  options.max_block_size = 256 << 10;
  auto held = std::make_shared<Held>(options);
  Message* message = google::protobuf::Arena::CreateMessage<Message>(&held->arena);
  return std::shared_ptr<Message>(std::move(held), message);
}

// A copy of `message` on an arena of its own (for callers holding a plain
// message, such as tests, on a path that takes arena messages).
template <typename Message>
std::shared_ptr<Message> CopyOnArena(const Message& message) {
  std::shared_ptr<Message> copy = NewOnArena<Message>(message.ByteSizeLong());
  copy->CopyFrom(message);
  return copy;
}

}  // namespace comptoir

#endif  // COMPTOIR_COMMON_ARENA_MESSAGE_H_
